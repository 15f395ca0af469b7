package ae

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/pxcz/pxcz/internal/weightsfile"
	"github.com/pxcz/pxcz/model"
)

// Model is the lossy mode's model as a codec uses it: the analysis in
// float (the encoder may compute the code as it likes, since the file
// stores it), the integer synthesis, the prior's integer frequency tables,
// and what turns the map into pixels: the integer map head, the
// conditional PixelCNN, or both.
type Model struct {
	name     string
	cfg      Config
	analysis []ConvParams // float weights of the analysis stages
	synth    *Synthesizer
	head     *qconv // the map head, a 1×1 convolution; nil: none
	// steps[k] is operating step k's quantization step in Q10: code value
	// v stands for the latent v·steps[k]/1024. tables[k][j·Latent+c] is
	// latent channel c's cumulative frequency table in context class j
	// (context.go) at step k over the values -MaxCode..MaxCode: Symbols+1
	// entries from 0 to 2^16. classes is 1 (the prior's tables alone),
	// ContextClasses or ValueClasses; with ValueClasses, "class" 0 is the
	// prior's tables and class j's are at j+1.
	steps    []int32
	tables   [][][]uint32
	classes  int
	pixelCNN *model.Model // nil: none
	sum      [sha256.Size]byte
}

// Symbols is the number of values a code's entry can take, -MaxCode to
// MaxCode.
const Symbols = 2*MaxCode + 1

// NewModel assembles the lossy model of the float auto-encoder p, its map
// head (nil: none) and the quantized conditional PixelCNN pc (nil: none),
// whose conditioning must be p's map. It needs a head or a PixelCNN.
func NewModel(p *Params, head *ConvParams, pc *model.Model, name string) (*Model, error) {
	cfg := p.Config
	switch {
	case len(name) > maxNameLen:
		return nil, fmt.Errorf("ae: model name of %d bytes, at most %d", len(name), maxNameLen)
	case head == nil && pc == nil:
		return nil, errors.New("ae: a lossy model needs a map head or a PixelCNN to reconstruct with")
	case pc != nil && (pc.Config().Cond != cfg.Cond || pc.Config().Channels != cfg.Channels):
		return nil, fmt.Errorf("ae: a PixelCNN of %d channels conditioned on %d, an auto-encoder of %d channels making %d", pc.Config().Channels, pc.Config().Cond, cfg.Channels, cfg.Cond)
	}
	sy, err := QuantizeSynthesis(p)
	if err != nil {
		return nil, err
	}
	m := &Model{name: name, cfg: cfg, synth: sy, pixelCNN: pc, classes: 1}
	if head != nil {
		if len(head.W) != cfg.Channels*cfg.Cond || len(head.B) != cfg.Channels {
			return nil, fmt.Errorf("ae: a head of %d weights and %d biases, want %d and %d", len(head.W), len(head.B), cfg.Channels*cfg.Cond, cfg.Channels)
		}
		q := quantizeConv(*head, 1, cfg.Cond, cfg.Channels)
		m.head = &q
	}
	for _, cp := range p.Analysis {
		m.analysis = append(m.analysis, ConvParams{append([]float32(nil), cp.W...), append([]float32(nil), cp.B...)})
	}
	for _, step := range Steps {
		var ts [][]uint32
		for c := range cfg.Latent {
			t, err := p.Prior.Table(c, -MaxCode, MaxCode, float64(step)/1024)
			if err != nil {
				return nil, err
			}
			ts = append(ts, t)
		}
		m.steps, m.tables = append(m.steps, step), append(m.tables, ts)
	}
	m.seal()
	return m, nil
}

// Renamed returns a copy of m named name, a model of its own (the name is
// part of the file, so the fingerprint changes).
func (m *Model) Renamed(name string) *Model {
	r := *m
	r.name = name
	r.seal()
	return &r
}

// WithSteps returns a copy of m that keeps only the operating points whose
// quantization steps lie from finest to coarsest (Q10, as Steps): a model
// of its own, smaller, whose qualities span those steps alone.
func (m *Model) WithSteps(finest, coarsest int32) (*Model, error) {
	r := *m
	r.steps, r.tables = nil, nil
	for k, step := range m.steps {
		if step >= finest && step <= coarsest {
			r.steps, r.tables = append(r.steps, step), append(r.tables, m.tables[k])
		}
	}
	if len(r.steps) == 0 {
		return nil, fmt.Errorf("ae: none of the model's quantization steps %v lies from %d to %d", m.steps, finest, coarsest)
	}
	r.seal()
	return &r, nil
}

// Config is the auto-encoder's architecture.
func (m *Model) Config() Config { return m.cfg }

// Name is the name stored in the model.
func (m *Model) Name() string { return m.name }

// PixelCNN is the conditional model that can reconstruct the image; nil
// when the model has none.
func (m *Model) PixelCNN() *model.Model { return m.pixelCNN }

// HasHead reports whether the model has a map head.
func (m *Model) HasHead() bool { return m.head != nil }

// Fingerprint identifies the model: the first bytes of its file's hash.
func (m *Model) Fingerprint() [4]byte { return [4]byte(m.sum[:4]) }

// Steps are the quantization steps, in Q10, that NewModel gives a model
// tables for: from half the trained step (1024) to eight times it, in
// steps of a quarter octave. A finer step codes more of the latent, for
// more bytes and a closer image. A model file keeps its own steps, so
// models made with fewer read as they were made.
var Steps = []int32{512, 609, 724, 861, 1024, 1218, 1448, 1722, 2048, 2435, 2896, 3444, 4096, 4871, 5793, 6889, 8192}

// TrainedStep is the index in Steps of the step the model was trained
// with.
const TrainedStep = 4

// The lossy weights file:
//
//	magic     "PXCL" and the format version: 3 for a model with context
//	          tables, 2 for one without
//	name      uvarint length and bytes
//	config    seven uvarints: Channels, Width, Latent, Cond, Kernel, Stages, Leak
//	analysis  each stage's float32 weights then biases, little-endian
//	synthesis each stage's int16 weights, little-endian, then per output a
//	          zigzag-varint bias, a uvarint multiplier and a shift byte (as
//	          package model's Linear layers)
//	classes   (versions 3 and 4) a uvarint count of context classes,
//	          ContextClasses in version 3, ValueClasses in version 4;
//	          version 2 has one, the prior's
//	prior     a uvarint count of quantization steps, then for each a
//	          uvarint step (Q10, rising) and per context class and latent
//	          channel a table: the Symbols frequencies as uvarints, each
//	          at least 1, summing to 2^16. Version 4 has the prior's
//	          tables first, and before each class's table a byte: 1 if
//	          the table follows, 0 if it is the prior's for that channel; a
//	          version 4 model codes under its tables mixed with the
//	          image's own counts (adapt.go)
//	head      a byte, 1 if the map head follows (0: none), then its
//	          weights and rescaling as a synthesis stage's
//	pixelCNN  uvarint length and a package model weights file (0: none)
//	hash      SHA-256 of everything before it, the model's fingerprint
const (
	// FileMagic opens every lossy weights file.
	FileMagic = "PXCL"
	// fileVersion is the version of a model without context tables,
	// contextVersion of one with ContextClasses, and valueVersion of one
	// with ValueClasses.
	fileVersion    = 2
	contextVersion = 3
	valueVersion   = 4
	maxNameLen     = 255
	maxSteps       = 64
	maxStep        = 1 << 14
	// maxFileWeights bounds the auto-encoder's weights a file may declare,
	// so that a hostile header cannot ask for unbounded memory.
	maxFileWeights = 1 << 24
)

// Errors from Load; those that describe a file wrap one of these.
var (
	// ErrNotModel: the data does not start like a lossy weights file.
	ErrNotModel = errors.New("ae: not a pxcz lossy weights file")
	// ErrVersion: a lossy weights file of a version this package cannot read.
	ErrVersion = errors.New("ae: unsupported lossy weights file version")
	// ErrCorrupt: a lossy weights file that is truncated, fails its hash,
	// has data after it or holds values out of range.
	ErrCorrupt = errors.New("ae: corrupt lossy weights file")
)

// version is the file format version m is written in.
func (m *Model) version() byte {
	switch m.classes {
	case ContextClasses:
		return contextVersion
	case ValueClasses:
		return valueVersion
	}
	return fileVersion
}

// body encodes everything but the trailing hash.
func (m *Model) body() []byte {
	b := append([]byte(FileMagic), m.version())
	b = binary.AppendUvarint(b, uint64(len(m.name)))
	b = append(b, m.name...)
	c := m.cfg
	for _, v := range []int{c.Channels, c.Width, c.Latent, c.Cond, c.Kernel, c.Stages, c.Leak} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	for _, cp := range m.analysis {
		for _, t := range [][]float32{cp.W, cp.B} {
			for _, v := range t {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
			}
		}
	}
	for _, q := range m.synth.stages {
		b = q.append(b)
	}
	if m.classes > 1 {
		b = binary.AppendUvarint(b, uint64(m.classes))
	}
	b = binary.AppendUvarint(b, uint64(len(m.steps)))
	L := m.cfg.Latent
	for k, ts := range m.tables {
		b = binary.AppendUvarint(b, uint64(m.steps[k]))
		for j, t := range ts {
			if m.classes == ValueClasses && j >= L {
				if slices.Equal(t, ts[j%L]) {
					b = append(b, 0)
					continue
				}
				b = append(b, 1)
			}
			for v := range Symbols {
				b = binary.AppendUvarint(b, uint64(t[v+1]-t[v]))
			}
		}
	}
	if m.head == nil {
		b = append(b, 0)
	} else {
		b = m.head.append(append(b, 1))
	}
	var pc []byte
	if m.pixelCNN != nil {
		pc, _ = m.pixelCNN.MarshalBinary()
	}
	b = binary.AppendUvarint(b, uint64(len(pc)))
	return append(b, pc...)
}

// append encodes q's weights and rescaling.
func (q *qconv) append(b []byte) []byte {
	for _, w := range q.w {
		b = binary.LittleEndian.AppendUint16(b, uint16(w))
	}
	for o := range q.out {
		b = binary.AppendVarint(b, int64(q.b[o]))
		b = binary.AppendUvarint(b, uint64(q.m[o]))
		b = append(b, q.s[o])
	}
	return b
}

// seal computes the hash.
func (m *Model) seal() { m.sum = sha256.Sum256(m.body()) }

// MarshalBinary encodes m as a lossy weights file.
func (m *Model) MarshalBinary() ([]byte, error) {
	return append(m.body(), m.sum[:]...), nil
}

// LoadFile reads a lossy weights file.
func LoadFile(path string) (*Model, error) { return weightsfile.Load(path, Load) }

// Load reads a lossy weights file, checking its architecture, ranges and
// hash. Sizes are validated before anything is allocated.
func Load(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	fr := &fileReader{r: br}
	magic := make([]byte, len(FileMagic)+1)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic[:4]) != FileMagic {
		return nil, ErrNotModel
	}
	if magic[4] < fileVersion || magic[4] > valueVersion {
		return nil, fmt.Errorf("%w %d, this pxcz reads versions %d to %d", ErrVersion, magic[4], fileVersion, valueVersion)
	}
	n := fr.uvarint(maxNameLen)
	m := &Model{name: string(fr.bytes(int(n))), classes: 1}
	var dims [7]int
	for i := range dims {
		dims[i] = int(fr.uvarint(1 << 20))
	}
	if fr.err != nil {
		return nil, fr.err
	}
	cfg := Config{Channels: dims[0], Width: dims[1], Latent: dims[2], Cond: dims[3], Kernel: dims[4], Stages: dims[5], Leak: dims[6]}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if cfg.weightCount() > maxFileWeights {
		return nil, fmt.Errorf("%w: %d weights, at most %d", ErrCorrupt, cfg.weightCount(), maxFileWeights)
	}
	m.cfg = cfg
	p := NewParams(cfg)
	for s := range cfg.Stages {
		cp := p.Analysis[s]
		for _, t := range [][]float32{cp.W, cp.B} {
			for i := range t {
				t[i] = math.Float32frombits(fr.uint32())
			}
		}
		m.analysis = append(m.analysis, cp)
	}
	m.synth = &Synthesizer{cfg: cfg}
	for s := range cfg.Stages {
		in, out := cfg.synthesisIO(s)
		q, err := fr.qconv(cfg.Kernel, in, out)
		if err != nil {
			return nil, fmt.Errorf("%w (synthesis stage %d)", err, s)
		}
		m.synth.stages = append(m.synth.stages, q)
	}
	if want := map[byte]int{contextVersion: ContextClasses, valueVersion: ValueClasses}[magic[4]]; want > 0 {
		if m.classes = int(fr.uvarint(1 << 8)); fr.err == nil && m.classes != want {
			return nil, fmt.Errorf("%w: %d context classes, want %d", ErrCorrupt, m.classes, want)
		}
	}
	tableCount := m.classes * cfg.Latent
	if m.classes == ValueClasses {
		tableCount += cfg.Latent // the prior's
	}
	nSteps := int(fr.uvarint(maxSteps))
	if fr.err == nil && nSteps == 0 {
		return nil, fmt.Errorf("%w: no quantization step", ErrCorrupt)
	}
	for k := range nSteps {
		step := int32(fr.uvarint(maxStep))
		if fr.err == nil && (step < 1 || k > 0 && step <= m.steps[k-1]) {
			return nil, fmt.Errorf("%w: quantization step %d of %d, want them rising from 1", ErrCorrupt, k, step)
		}
		var ts [][]uint32
		for j := range tableCount {
			if fr.err != nil { // a truncated file can declare many tables
				return nil, fr.err
			}
			c := j % cfg.Latent
			flagged := m.classes == ValueClasses && j >= cfg.Latent // a class's table, maybe the prior's
			if flagged {
				switch fr.byte() {
				case 0:
					ts = append(ts, ts[c])
					continue
				case 1:
				default:
					if fr.err == nil {
						return nil, fmt.Errorf("%w: step %d latent channel %d's table flag is neither 0 nor 1 (class %d)", ErrCorrupt, k, c, j/cfg.Latent-1)
					}
				}
			}
			t := make([]uint32, Symbols+1)
			for v := range Symbols {
				f := fr.uvarint(1 << 16)
				if fr.err == nil && f == 0 {
					return nil, fmt.Errorf("%w: step %d latent channel %d's value %d has frequency 0 (class %d)", ErrCorrupt, k, c, v-MaxCode, j/cfg.Latent)
				}
				t[v+1] = t[v] + uint32(f)
			}
			if fr.err == nil && t[Symbols] != 1<<16 {
				return nil, fmt.Errorf("%w: step %d latent channel %d's frequencies sum to %d (class %d)", ErrCorrupt, k, c, t[Symbols], j/cfg.Latent)
			}
			if fr.err == nil && flagged && slices.Equal(t, ts[c]) {
				// The writer stores such a table as the prior's; one file per model.
				return nil, fmt.Errorf("%w: step %d latent channel %d's table in class %d is the prior's, stored in full", ErrCorrupt, k, c, j/cfg.Latent-1)
			}
			ts = append(ts, t)
		}
		m.steps, m.tables = append(m.steps, step), append(m.tables, ts)
	}
	switch fr.byte() {
	case 0:
	case 1:
		q, err := fr.qconv(1, cfg.Cond, cfg.Channels)
		if err != nil {
			return nil, fmt.Errorf("%w (the map head)", err)
		}
		m.head = &q
	default:
		if fr.err == nil {
			return nil, fmt.Errorf("%w: the map head's flag is neither 0 nor 1", ErrCorrupt)
		}
	}
	pcLen := fr.uvarint(1 << 30)
	if fr.err != nil {
		return nil, fr.err
	}
	if pcLen > 0 {
		pc, err := model.Load(io.LimitReader(br, int64(pcLen)))
		if err != nil {
			return nil, fmt.Errorf("%w: its PixelCNN: %w", ErrCorrupt, err)
		}
		if pcc := pc.Config(); pcc.Cond != cfg.Cond || pcc.Channels != cfg.Channels {
			return nil, fmt.Errorf("%w: a PixelCNN of %d channels conditioned on %d for an auto-encoder of %d channels making %d", ErrCorrupt, pcc.Channels, pcc.Cond, cfg.Channels, cfg.Cond)
		}
		m.pixelCNN = pc
	}
	if m.head == nil && m.pixelCNN == nil {
		return nil, fmt.Errorf("%w: neither a map head nor a PixelCNN to reconstruct with", ErrCorrupt)
	}
	m.seal()
	var sum [sha256.Size]byte
	if _, err := io.ReadFull(br, sum[:]); err != nil {
		return nil, fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	if !bytes.Equal(sum[:], m.sum[:]) {
		return nil, fmt.Errorf("%w: hash mismatch", ErrCorrupt)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the weights", ErrCorrupt)
	}
	return m, nil
}

// fileReader reads a file's fields, keeping the first error: a truncated
// file or a value above its limit.
type fileReader struct {
	r   *bufio.Reader
	err error
	buf [4]byte
}

func (f *fileReader) fail(err error) {
	if f.err == nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = fmt.Errorf("%w: truncated", ErrCorrupt)
		}
		f.err = err
	}
}

func (f *fileReader) uvarint(limit uint64) uint64 {
	if f.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(f.r)
	if err != nil {
		f.fail(err)
		return 0
	}
	if v > limit {
		f.fail(fmt.Errorf("%w: value %d above its limit %d", ErrCorrupt, v, limit))
		return 0
	}
	return v
}

func (f *fileReader) varint() int64 {
	if f.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(f.r)
	f.fail(err)
	return v
}

func (f *fileReader) bytes(n int) []byte {
	b := make([]byte, n)
	if f.err == nil {
		_, err := io.ReadFull(f.r, b)
		f.fail(err)
	}
	return b
}

func (f *fileReader) read(n int) []byte {
	if f.err == nil {
		_, err := io.ReadFull(f.r, f.buf[:n])
		f.fail(err)
	}
	if f.err != nil {
		clear(f.buf[:n])
	}
	return f.buf[:n]
}

// qconv reads a k×k convolution from in to out channels.
func (f *fileReader) qconv(k, in, out int) (qconv, error) {
	q := qconv{k: k, in: in, out: out, w: make([]int16, out*k*k*in),
		b: make([]int32, out), m: make([]int32, out), s: make([]uint8, out)}
	for i := range q.w {
		q.w[i] = int16(f.uint16())
	}
	for o := range out {
		b := f.varint()
		mul := f.uvarint(1<<31 - 1)
		sh := f.byte()
		if f.err == nil && (b < -1<<31 || b >= 1<<31 || sh < 1 || sh > 62) {
			return q, fmt.Errorf("%w: rescaling of output %d out of range", ErrCorrupt, o)
		}
		q.b[o], q.m[o], q.s[o] = int32(b), int32(mul), sh
	}
	return q, f.err
}

func (f *fileReader) uint32() uint32 { return binary.LittleEndian.Uint32(f.read(4)) }
func (f *fileReader) uint16() uint16 { return binary.LittleEndian.Uint16(f.read(2)) }
func (f *fileReader) byte() uint8    { return f.read(1)[0] }
