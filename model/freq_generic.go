//go:build !amd64 || noasm

package model

// exp256 is freqTable's first pass in assembly, which this build lacks.
func exp256([]int32, int32, *[256]uint32) (uint64, bool) { return 0, false }

// cum256 is freqTable's second pass in assembly, which this build lacks.
func cum256(*[256]uint32, uint64, []uint32) bool { return false }

// rescaleLogitsAsm is Linear.rescaleLogits in assembly, which this build
// lacks.
func (l *Linear) rescaleLogitsAsm([]int32, int) (int32, int, bool) { return 0, 0, false }

// rescale16Asm is Linear.rescale16 in assembly, which this build lacks.
func (l *Linear) rescale16Asm([]int16, []int32, int) int { return 0 }
