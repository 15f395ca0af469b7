package pngmeta

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// MaxStored bounds the bytes Unmarshal expands stored chunks to, so that a
// small hostile file cannot make a reader hold much more.
const MaxStored = 1 << 26

// flagAfterImage marks a record whose chunk follows the image data.
const flagAfterImage = 1

// Marshal stores chunks compactly: a zstd frame holding one record per
// chunk, in order, each its 4-byte type, a flags byte (bit 0: AfterImage),
// its length as a uvarint and its data. No chunks marshal to nothing.
func Marshal(cs []Chunk) []byte {
	if len(cs) == 0 {
		return nil
	}
	var rec []byte
	for _, c := range cs {
		rec = append(rec, c.Type...)
		flags := byte(0)
		if c.AfterImage {
			flags |= flagAfterImage
		}
		rec = append(rec, flags)
		rec = binary.AppendUvarint(rec, uint64(len(c.Data)))
		rec = append(rec, c.Data...)
	}
	return coders().enc.EncodeAll(rec, nil)
}

// Unmarshal reads chunks that Marshal stored, refusing data that expands
// to more than MaxStored bytes or whose records are malformed.
func Unmarshal(data []byte) ([]Chunk, error) {
	if len(data) == 0 {
		return nil, nil
	}
	rec, err := coders().dec.DecodeAll(data, nil)
	if err != nil {
		return nil, fmt.Errorf("pngmeta: stored chunks: %w", err)
	}
	var cs []Chunk
	for len(rec) > 0 {
		if len(rec) < 6 {
			return nil, errors.New("pngmeta: stored chunks: a record is cut short")
		}
		c := Chunk{Type: string(rec[:4]), AfterImage: rec[4]&flagAfterImage != 0}
		if !validType(c.Type) || !ancillary(c.Type) {
			return nil, fmt.Errorf("pngmeta: stored chunks: %q is not an ancillary chunk type", c.Type)
		}
		if rec[4]&^flagAfterImage != 0 {
			return nil, fmt.Errorf("pngmeta: stored chunks: %s record has unknown flags %#02x", c.Type, rec[4])
		}
		n, k := binary.Uvarint(rec[5:])
		if k <= 0 || n > uint64(len(rec)-5-k) {
			return nil, fmt.Errorf("pngmeta: stored chunks: %s record's length is malformed or runs past the end", c.Type)
		}
		rec = rec[5+k:]
		c.Data, rec = rec[:n:n], rec[n:]
		cs = append(cs, c)
	}
	return cs, nil
}

// coders returns the zstd encoder and decoder, made once: their
// EncodeAll and DecodeAll may be called concurrently.
var coders = sync.OnceValue(func() (c struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}) {
	var err error
	c.enc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err == nil {
		c.dec, err = zstd.NewReader(nil, zstd.WithDecoderMaxMemory(MaxStored), zstd.WithDecoderConcurrency(1))
	}
	if err != nil {
		panic(err) // the options are constant and valid
	}
	return c
})
