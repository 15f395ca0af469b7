//go:build !amd64 || noasm

package model

// rescaleLogitsAsm is Linear.rescaleLogits in assembly, which this build
// lacks.
func (l *Linear) rescaleLogitsAsm([]int32, int) (int32, int, bool) { return 0, 0, false }

// rescale16Asm is Linear.rescale16 in assembly, which this build lacks.
func (l *Linear) rescale16Asm([]int16, []int32, int) int { return 0 }

// gatesAsm is gates in assembly, which this build lacks.
func gatesAsm(_, _, _ []int16) int { return 0 }
