// Package pngmeta keeps a PNG file's metadata: it reads the ancillary
// chunks that describe the image rather than its pixels (color space,
// physical size, time, text, Exif), stores them compactly, and writes them
// back into a PNG at the positions the PNG specification allows.
//
// Go's image/png decodes the pixels and drops every such chunk; this
// package reads them from the file's bytes itself. The kept chunk types
// are those Kept reports; the chunks whose meaning is already in the
// decoded pixels (PLTE, tRNS) are not metadata, and every other
// ancillary chunk is named as dropped.
package pngmeta
