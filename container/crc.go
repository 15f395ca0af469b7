package container

import (
	"hash"
	"hash/crc32"
)

// castagnoli is built once: MakeTable picks the hardware (SSE4.2/ARMv8)
// implementation for this polynomial when the CPU has it.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// PixelCRC is the CRC-32C of pix, the value Header.CRC carries. pix holds
// the decoded image interleaved and row-major, Layout.Channels() bytes per
// pixel, with no padding between rows.
func PixelCRC(pix []byte) uint32 { return crc32.Checksum(pix, castagnoli) }

// NewCRC returns a CRC-32C hash for callers that produce pixels piecewise;
// its Sum32 over the same bytes equals PixelCRC.
func NewCRC() hash.Hash32 { return crc32.New(castagnoli) }
