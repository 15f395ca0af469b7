// Package train is pxcz's CPU trainer for the Gated PixelCNN of package
// model.
//
// The forward and backward passes are written by hand on matrix products
// (package sgemm) instead of a general autodiff graph, which is two orders
// of magnitude slower for this network; gorgonia serves only as the tests'
// oracle for the gradients. Activations are stored pixel-major, [N·H·W][channels],
// so a 1x1 convolution is one matrix product and a k×k or 1×k convolution is
// an im2col gather followed by one product with the weight matrix, whose
// [out][tap·Cin+ci] layout is exactly the one package model documents.
// The backward pass uses the transposed products and a col2im that gathers
// (rather than scatters) so that it parallelises without locks. Elementwise
// work (gates, residuals, ReLU, the softmax cross-entropy) is split across
// runtime.GOMAXPROCS goroutines.
//
// [Net] computes the loss and its gradients, optionally through the integer
// model's rounding (fake quantization), [Adam] and [Schedule] update the
// weights, [WriteCheckpoint] and [ReadCheckpoint] save and restore a run, and
// [Run] is the training loop behind `pxcz train`.
package train
