//go:build !amd64 || noasm

package model

// mixEdgesAsm is mixEdges in assembly, which this build lacks.
func mixEdgesAsm([]uint64, int64, int64, uint64, uint64) bool { return false }

// mixMassesAsm is the start of mixFreq's loop over the masses in assembly,
// which this build lacks.
func mixMassesAsm(*[256]uint64, *[256]uint64, uint, *[256]uint32) (int, uint64, uint64, uint32, int) {
	return 0, 0, 0, 0, 0
}
