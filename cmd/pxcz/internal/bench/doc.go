// Package bench measures lossless codecs on data sets of images: pxcz itself,
// Go's image/png, and the command-line codecs people compare against (cwebp,
// cjxl, optipng, zopflipng, avifenc, opj_compress). Every result is a round
// trip whose decoded pixels must equal the original exactly; sizes are whole
// files, headers included.
//
// The pieces, in the order a run uses them: [Open] turns command-line paths
// into [Dataset]s; a [Runner] round-trips every image through every [Codec],
// in parallel and through an optional [Cache]; [Summarize] adds the results up
// per data set; [Report] writes the table and [WritePlot] the SVG plot.
package bench
