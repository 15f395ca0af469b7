package train

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
)

// The tensor file layout every training checkpoint uses, all integers and
// floats little-endian:
//
//	magic   8 bytes: seven naming the kind of file, then its format version
//	n       uint32, length of the header (at most maxHeader)
//	header  n bytes of JSON, from which the reader knows how many floats follow
//	floats  float32 values, tensor after tensor
//	crc     uint32 CRC-32 (IEEE) of every byte before it

const maxHeader = 1 << 20

// ReadFile opens the file at path and decodes it with read, through a
// buffer large enough for tensor files; errors name the file.
func ReadFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	v, err := read(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return zero, fmt.Errorf("%w (reading %s)", err, path)
	}
	return v, nil
}

// EncodeTensors writes the tensor file of magic, header (marshalled to
// JSON) and the tensors of groups, in order.
func EncodeTensors(w io.Writer, magic [8]byte, header any, groups ...[][]float32) error {
	h, err := json.Marshal(header)
	if err != nil {
		return err
	}
	if len(h) > maxHeader {
		return fmt.Errorf("header of %d bytes, limit %d", len(h), maxHeader)
	}
	crc := crc32.NewIEEE()
	cw := io.MultiWriter(w, crc)
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(h)))
	for _, b := range [][]byte{magic[:], n[:], h} {
		if _, err := cw.Write(b); err != nil {
			return err
		}
	}
	buf := make([]byte, 0, 1<<16)
	for _, group := range groups {
		for _, t := range group {
			for len(t) > 0 {
				k := min(len(t), cap(buf)/4)
				buf = buf[:4*k]
				for i, v := range t[:k] {
					binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
				}
				if _, err := cw.Write(buf); err != nil {
					return err
				}
				t = t[k:]
			}
		}
	}
	binary.LittleEndian.PutUint32(n[:], crc.Sum32())
	_, err = w.Write(n[:])
	return err
}

// DecodeTensors reads a tensor file written by EncodeTensors with the same
// magic: it decodes the header into header, asks count (which checks the
// header) how many floats follow, and returns them once the checksum
// matches. Memory grows only as the data arrives, so a damaged or hostile
// file costs no more than its own size.
func DecodeTensors(r io.Reader, magic [8]byte, header any, count func() (int, error)) ([]float32, error) {
	crc := crc32.NewIEEE()
	tr := io.TeeReader(r, crc)
	var pre [12]byte
	if _, err := io.ReadFull(tr, pre[:]); err != nil {
		return nil, fmt.Errorf("train: checkpoint too short for its header: %w", err)
	}
	if [8]byte(pre[:8]) != magic {
		if string(pre[:7]) == string(magic[:7]) {
			return nil, fmt.Errorf("train: checkpoint format version %d, this build reads %d", pre[7], magic[7])
		}
		return nil, fmt.Errorf("train: not a pxcz %s checkpoint (bad magic)", magic[:7])
	}
	n := binary.LittleEndian.Uint32(pre[8:])
	if n > maxHeader {
		return nil, fmt.Errorf("train: checkpoint header of %d bytes exceeds the %d limit", n, maxHeader)
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(tr, hb); err != nil {
		return nil, fmt.Errorf("train: checkpoint header truncated: %w", err)
	}
	if err := json.Unmarshal(hb, header); err != nil {
		return nil, fmt.Errorf("train: checkpoint header: %w", err)
	}
	k, err := count()
	if err != nil {
		return nil, err
	}
	vals, err := readFloats(tr, k)
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint truncated in its tensors: %w", err)
	}
	if err := checkCRC(r, crc); err != nil {
		return nil, err
	}
	return vals, nil
}

// checkCRC reads the trailing checksum (not fed to crc) and compares it.
func checkCRC(r io.Reader, crc hash.Hash32) error {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return fmt.Errorf("train: checkpoint truncated before its checksum: %w", err)
	}
	if got, want := binary.LittleEndian.Uint32(b[:]), crc.Sum32(); got != want {
		return fmt.Errorf("train: checkpoint checksum %08x, computed %08x: the file is damaged", got, want)
	}
	return nil
}

// readFloats reads n little-endian float32s, growing the result as they
// arrive rather than trusting n up front.
func readFloats(r io.Reader, n int) ([]float32, error) {
	var out []float32
	buf := make([]byte, 1<<16)
	for len(out) < n {
		k := min(n-len(out), len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*k]); err != nil {
			return nil, err
		}
		for i := range k {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:])))
		}
	}
	return out, nil
}

// FillTensors copies the head of vals into ts and returns the rest.
func FillTensors(ts [][]float32, vals []float32) []float32 {
	for _, t := range ts {
		vals = vals[copy(t, vals):]
	}
	return vals
}

// TensorsLen is the number of values in ts.
func TensorsLen(ts [][]float32) int {
	n := 0
	for _, t := range ts {
		n += len(t)
	}
	return n
}
