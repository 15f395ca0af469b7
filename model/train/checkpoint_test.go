package train

import (
	"bytes"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pxcz/pxcz/model"
)

// sampleCheckpoint is a small checkpoint with every field set.
func sampleCheckpoint(t testing.TB, cond int) *Checkpoint {
	opts := DefaultOptions()
	opts.Config = model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6, Cond: cond}
	opts.CIFAR, opts.Steps, opts.Seed = "/data/cifar", 1000, 42
	p := model.NewParams(opts.Config)
	rng := rand.New(rand.NewSource(1))
	p.InitRandom(rng)
	a := NewAdam(p.Tensors())
	a.WeightDecay, a.Step = 1e-4, 17
	for _, group := range [][][]float32{a.M, a.V} {
		for _, m := range group {
			for i := range m {
				m[i] = rng.Float32()
			}
		}
	}
	return &Checkpoint{Options: opts, Step: 17, TrainEMA: 4.5, Elapsed: 3 * time.Minute, Params: p, Adam: a}
}

func encodeCheckpoint(t testing.TB, c *Checkpoint) []byte {
	var b bytes.Buffer
	if err := c.encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckpointRoundTrip(t *testing.T) {
	mixture := sampleCheckpoint(t, 0)
	mixture.Options.Config.Mix = 4
	mixture.Params, _ = mixture.Params.WithMix(4)
	mixture.Adam = NewAdam(mixture.Params.Tensors())
	averaged := sampleCheckpoint(t, 0)
	averaged.Options.EMA = 0.999
	averaged.Average = averaged.Params.Clone()
	averaged.Average.Head.B2[7] = 0.5
	for name, c := range map[string]*Checkpoint{
		"plain": sampleCheckpoint(t, 0), "conditional": sampleCheckpoint(t, 10),
		"mixture": mixture, "averaged": averaged,
	} {
		got, err := ReadCheckpoint(bytes.NewReader(encodeCheckpoint(t, c)))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%s: checkpoint changed in a round trip:\n got %+v\nwant %+v", name, got, c)
		}
		if want := c.Params; c.Average != nil && got.Weights() != got.Average || c.Average == nil && !reflect.DeepEqual(got.Weights(), want) {
			t.Errorf("%s: Weights are not the average when there is one, the weights otherwise", name)
		}
	}
}

// TestCheckpointFormatStable checks that a checkpoint of a free-logit run
// without a weight average is byte for byte what earlier versions wrote:
// the new options are left out of its header.
func TestCheckpointFormatStable(t *testing.T) {
	b := encodeCheckpoint(t, sampleCheckpoint(t, 0))
	for _, field := range []string{`"Mix"`, `"EMA"`} {
		if bytes.Contains(b, []byte(field)) {
			t.Errorf("the header names %s", field)
		}
	}
}

// TestCheckpointAverageErrors checks that a checkpoint cannot be written
// with a weight average its options do not keep, or without one they do.
func TestCheckpointAverageErrors(t *testing.T) {
	missing := sampleCheckpoint(t, 0)
	missing.Options.EMA = 0.99
	stray := sampleCheckpoint(t, 0)
	stray.Average = stray.Params.Clone()
	for name, c := range map[string]*Checkpoint{"missing": missing, "stray": stray} {
		if err := c.encode(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "average") {
			t.Errorf("%s average: error %v", name, err)
		}
	}
}

func TestParamCount(t *testing.T) {
	for _, cfg := range []model.Config{
		{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6},
		{Channels: 1, Features: 8, Layers: 3, Kernel: 5, Hidden: 4, Cond: 7},
		{Channels: 3, Features: 64, Layers: 6, Kernel: 3, Hidden: 128},
		{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6, Mix: 5},
	} {
		want := 0
		for _, ts := range model.NewParams(cfg).Tensors() {
			want += len(ts)
		}
		if got := paramCount(cfg); got != want {
			t.Errorf("paramCount(%v) = %d, want %d", cfg, got, want)
		}
	}
}

func TestReadCheckpointErrors(t *testing.T) {
	good := encodeCheckpoint(t, sampleCheckpoint(t, 0))
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	badConfig := bytes.Replace(good, []byte(`"Layers":2`), []byte(`"Layers":0`), 1)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"magic", flip(0), "bad magic"},
		{"version", flip(7), "version"},
		{"header length", append(bytes.Clone(good[:8]), 0xff, 0xff, 0xff, 0x7f), "exceeds"},
		{"header", good[:20], "header truncated"},
		{"config", badConfig, "configuration"},
		{"tensors", good[:len(good)/2], "truncated in its tensors"},
		{"checksum missing", good[:len(good)-2], "before its checksum"},
		{"damaged weights", flip(len(good) - 100), "damaged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCheckpoint(bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestWriteCheckpointAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	c := sampleCheckpoint(t, 0)
	for step := range int64(2) { // the second write replaces the first
		c.Step = step
		if err := WriteCheckpoint(path, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Step != 1 || !reflect.DeepEqual(got.Params, c.Params) {
		t.Errorf("loaded step %d, want 1 with the same weights", got.Step)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files after writing, want just the checkpoint", len(entries))
	}
	c.Params.Head.B2[0] = float32(math.NaN()) // still writable: NaN is data
	if err := WriteCheckpoint(filepath.Join(dir, "missing", "x.ckpt"), c); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}

func FuzzReadCheckpoint(f *testing.F) {
	good := encodeCheckpoint(f, sampleCheckpoint(f, 0))
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add(good[:40])
	f.Add([]byte("PXCZTRN\x01\x02\x00\x00\x00{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ReadCheckpoint(bytes.NewReader(data))
		if err != nil {
			return
		}
		again, err := ReadCheckpoint(bytes.NewReader(encodeCheckpoint(t, c)))
		if err != nil {
			t.Fatalf("re-encoded checkpoint does not read back: %v", err)
		}
		if again.Step != c.Step || again.Options.Config != c.Options.Config {
			t.Fatalf("re-encoded checkpoint differs")
		}
	})
}

func TestDefaultOptionsValid(t *testing.T) {
	o := DefaultOptions()
	if err := o.check(); err != nil {
		t.Error(err)
	}
}
