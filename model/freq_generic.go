//go:build !amd64 || noasm

package model

// exp256 is freqTable's first pass in assembly, which this build lacks.
func exp256([]int32, int32, *[256]uint32) (uint64, bool) { return 0, false }

// cum256 is freqTable's second pass in assembly, which this build lacks.
func cum256(*[256]uint32, uint64, []uint32) bool { return false }
