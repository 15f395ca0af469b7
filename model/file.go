package model

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/pxcz/pxcz/internal/atomicfile"
	"github.com/pxcz/pxcz/internal/weightsfile"
)

// The weights file: magic, version, name, architecture (six uvarints,
// Channels, Features, Layers, Kernel, Hidden, Cond, and in version 3 a
// seventh, Mix), then every Linear
// (in the order layer 0 V, H, R, layer 1 ..., head W1, W2) as int16
// little-endian weights followed per output by a zigzag-varint bias, a
// uvarint multiplier and a shift byte; last, the SHA-256 of everything
// before it. The hash both detects corruption and is the model's
// fingerprint. Models with a free-logit head are written as version 2,
// which has no Mix, so that their fingerprints stay what they were.
const (
	fileMagic      = "PXCM"
	fileVersion    = 2
	fileVersionMix = 3
	maxNameLen     = 255
)

// Errors from Load. Those that describe a file wrap one of these, so
// callers can tell the cases apart with errors.Is.
var (
	// ErrNotModel: the data does not start like a pxcz weights file.
	ErrNotModel = errors.New("model: not a pxcz weights file")
	// ErrVersion: a weights file of a version this package cannot read.
	ErrVersion = errors.New("model: unsupported weights file version")
	// ErrCorrupt: a weights file that is truncated, fails its hash, has
	// data after it, or holds weights that break the causal masks.
	ErrCorrupt = errors.New("model: corrupt weights file")
)

// body encodes everything but the trailing hash.
func (m *Model) body() []byte {
	var b []byte
	b = append(b, fileMagic...)
	c := m.cfg
	dims := []int{c.Channels, c.Features, c.Layers, c.Kernel, c.Hidden, c.Cond}
	if c.Mix > 0 {
		b = append(b, fileVersionMix)
		dims = append(dims, c.Mix)
	} else {
		b = append(b, fileVersion)
	}
	b = binary.AppendUvarint(b, uint64(len(m.name)))
	b = append(b, m.name...)
	for _, v := range dims {
		b = binary.AppendUvarint(b, uint64(v))
	}
	for _, q := range m.linears() {
		for _, w := range q.W {
			b = binary.LittleEndian.AppendUint16(b, uint16(w))
		}
		for o := 0; o < q.Out; o++ {
			b = binary.AppendVarint(b, int64(q.B[o]))
			b = binary.AppendUvarint(b, uint64(q.M[o]))
			b = append(b, q.S[o])
		}
	}
	return b
}

// MarshalBinary encodes m as a weights file.
func (m *Model) MarshalBinary() ([]byte, error) {
	return append(m.body(), m.sum[:]...), nil
}

// Save writes m's weights file to path atomically, so that a failure never
// leaves a partial file (package atomicfile).
func (m *Model) Save(path string) error {
	data, _ := m.MarshalBinary()
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// LoadFile reads a weights file.
func LoadFile(path string) (*Model, error) { return weightsfile.Load(path, Load) }

// Load reads a weights file, checking its architecture, hash and causal
// masks. The architecture is validated before the weights are allocated, so
// a hostile file cannot ask for unbounded memory.
func Load(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	truncated := func(err error) error {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("%w: truncated", ErrCorrupt)
		}
		return err
	}
	magic := make([]byte, len(fileMagic)+1)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic[:4]) != fileMagic {
		return nil, ErrNotModel
	}
	ndims := 6
	switch magic[4] {
	case fileVersion:
	case fileVersionMix:
		ndims = 7
	default:
		return nil, fmt.Errorf("%w %d, this pxcz reads versions %d and %d", ErrVersion, magic[4], fileVersion, fileVersionMix)
	}
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return nil, truncated(err)
	}
	if n > maxNameLen {
		return nil, fmt.Errorf("%w: name of %d bytes, at most %d allowed", ErrCorrupt, n, maxNameLen)
	}
	name := make([]byte, n)
	if _, err := io.ReadFull(br, name); err != nil {
		return nil, truncated(err)
	}
	var dims [7]int
	for i := range dims[:ndims] {
		v, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, truncated(err)
		}
		dims[i] = int(min(v, 1<<20))
	}
	cfg := Config{Channels: dims[0], Features: dims[1], Layers: dims[2], Kernel: dims[3], Hidden: dims[4], Cond: dims[5], Mix: dims[6]}
	if ndims == 7 && cfg.Mix == 0 {
		return nil, fmt.Errorf("%w: version %d without a mixture head", ErrCorrupt, fileVersionMix)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := newModel(cfg, string(name))
	for _, q := range m.linears() {
		w := make([]byte, 2*len(q.W))
		if _, err := io.ReadFull(br, w); err != nil {
			return nil, truncated(err)
		}
		for i := range q.W {
			q.W[i] = int16(binary.LittleEndian.Uint16(w[2*i:]))
		}
		for o := 0; o < q.Out; o++ {
			b, err := binary.ReadVarint(br)
			if err != nil {
				return nil, truncated(err)
			}
			mul, err := binary.ReadUvarint(br)
			if err != nil {
				return nil, truncated(err)
			}
			s, err := br.ReadByte()
			if err != nil {
				return nil, truncated(err)
			}
			if b < -1<<31 || b >= 1<<31 || mul >= 1<<31 || s < 1 || s > 62 {
				return nil, fmt.Errorf("%w: rescaling of output %d out of range", ErrCorrupt, o)
			}
			q.B[o], q.M[o], q.S[o] = int32(b), int32(mul), s
		}
	}
	// The body re-encodes byte for byte (varints are read canonical only if
	// they re-encode the same, which the hash comparison enforces).
	m.seal()
	var sum [sha256.Size]byte
	if _, err := io.ReadFull(br, sum[:]); err != nil {
		return nil, truncated(err)
	}
	if !bytes.Equal(sum[:], m.sum[:]) {
		return nil, fmt.Errorf("%w: hash mismatch", ErrCorrupt)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the weights", ErrCorrupt)
	}
	if err := m.checkMasks(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return m, nil
}
