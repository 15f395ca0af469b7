// Package corpus loads the image data sets that feed pxcz's trainer and
// benchmarks: CIFAR-10 from its official binary archive, random crops of a
// folder of photographs, and shuffled, optionally flipped mini-batches for
// training.
//
// Everything is held as a [Set]: same-sized 8-bit images stored
// interleaved, so one image is one contiguous slice in the order a raster
// scan codec visits its samples.
//
// The data itself lives outside the repository; [DataDir] finds it.
// Errors meaning "this data is not on this machine" wrap [ErrUnavailable],
// so tests can skip on them rather than fail.
package corpus
