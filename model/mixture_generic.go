//go:build !amd64 || noasm

package model

// mixEdgesAsm is mixEdges in assembly, which this build lacks.
func mixEdgesAsm([]uint64, int64, int64, uint64, uint64) int { return 0 }
