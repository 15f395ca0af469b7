package ae

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// sampleCheckpoint is the starting checkpoint of a tiny run with a map
// head, and its encoding.
func sampleCheckpoint(t testing.TB) (*Checkpoint, []byte) {
	o := DefaultOptions()
	o.Config = Config{Channels: 3, Width: 4, Latent: 2, Cond: 6, Kernel: 3, Stages: 1}
	o.PixelCNN = model.Config{Channels: 3, Features: 3, Layers: 1, Kernel: 3, Hidden: 3, Cond: 6}
	o.Init = ""
	c, err := startCheckpoint(o)
	if err != nil {
		t.Fatal(err)
	}
	c.Step, c.TrainNLL, c.TrainRate = 7, 5.5, 0.25
	var buf bytes.Buffer
	if err := c.encode(&buf); err != nil {
		t.Fatal(err)
	}
	return c, buf.Bytes()
}

func TestCheckpointRoundTrip(t *testing.T) {
	c, data := sampleCheckpoint(t)
	got, err := ReadCheckpoint(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Error("checkpoint changed in a round trip")
	}
}

func TestReadCheckpointErrors(t *testing.T) {
	_, good := sampleCheckpoint(t)
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"magic", flip(0), "bad magic"},
		{"lossless checkpoint", append([]byte("PXCZTRN\x01"), good[8:]...), "bad magic"},
		{"config", bytes.Replace(good, []byte(`"Stages":1`), []byte(`"Stages":0`), 1), "configuration"},
		{"map", bytes.Replace(good, []byte(`"Cond":6}`), []byte(`"Cond":5}`), 1), "conditioning"},
		{"tensors", good[:len(good)/2], "truncated in its tensors"},
		{"damaged", flip(len(good) - 100), "damaged"},
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

func FuzzReadCheckpoint(f *testing.F) {
	_, good := sampleCheckpoint(f)
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte("PXCZAET\x01\x02\x00\x00\x00{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ReadCheckpoint(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := c.encode(&buf); err != nil {
			t.Fatalf("a checkpoint read back does not encode: %v", err)
		}
		again, err := ReadCheckpoint(&buf)
		if err != nil || again.Step != c.Step || again.Options.Config != c.Options.Config {
			t.Fatalf("re-encoded checkpoint differs (%v)", err)
		}
	})
}
