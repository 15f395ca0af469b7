package main

import (
	"encoding/json"
	"image"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/internal/fileinfo"
	"github.com/pxcz/pxcz/model/ae"
)

// writeLossyModel writes a lossy model of random weights with a map head
// into dir and returns its path.
func writeLossyModel(t *testing.T, dir string) string {
	t.Helper()
	cfg := ae.Config{Channels: 3, Width: 6, Latent: 3, Cond: 4, Kernel: 3, Stages: 2}
	p := ae.NewParams(cfg)
	rng := rand.New(rand.NewSource(1))
	p.InitRandom(rng)
	head := &ae.ConvParams{W: make([]float32, 3*cfg.Cond), B: make([]float32, 3)}
	for i := range head.W {
		head.W[i] = float32(rng.NormFloat64()) * 0.3
	}
	m, err := ae.NewModel(p, head, nil, "tiny lossy")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := m.MarshalBinary()
	return writeFile(t, dir, "tiny.pxcl", data)
}

// TestCompressLossy compresses lossily with a lossy model file, checks
// what info says, decompresses to the image's size, and refuses the
// flags that do not go together.
func TestCompressLossy(t *testing.T) {
	dir := t.TempDir()
	weights := writeLossyModel(t, dir)
	src := testImages()["rgb8x8"]
	in := writeFile(t, dir, "a.png", encodeAs(t, "png", src))
	out := filepath.Join(dir, "a.pxcz")
	mustRun(t, nil, "compress", "--lossy", "--model", weights, "-o", out, in)
	var fi fileinfo.Info
	if err := json.Unmarshal(mustRun(t, nil, "info", "--json", out), &fi); err != nil {
		t.Fatal(err)
	}
	if fi.Mode != "Lossy" || fi.Decoding != "head" || fi.CodeBPP <= 0 {
		t.Errorf("info --json says mode %q, decoding %q, code %g bpp", fi.Mode, fi.Decoding, fi.CodeBPP)
	}
	if text := string(mustRun(t, nil, "info", out)); !strings.Contains(text, "Lossy, a code of") {
		t.Errorf("info says\n%s", text)
	}
	img := decodeImage(t, mustRun(t, nil, "decompress", "--model", weights, "-o", "-", out))
	if img.Bounds() != src.Bounds() {
		t.Errorf("decoded %v, want %v", img.Bounds(), src.Bounds())
	}
	if _, ok := img.(*image.RGBA); !ok {
		t.Errorf("an RGB image decodes to %T", img)
	}
	code, _, msg := cli(t, nil, "decompress", "-o", filepath.Join(dir, "b.png"), out)
	wantFailure(t, code, msg, "lossy model")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--quality", "50"}, "add --lossy"},
		{[]string{"--lossy", "--quality", "0"}, "--quality 0"},
		{[]string{"--lossy", "--quality", "101"}, "--quality 101"},
		{[]string{"--lossy", "--target-bpp", "-1"}, "--target-bpp"},
		{[]string{"--lossy", "--max-error", "2"}, "neither --max-error"},
	} {
		code, _, msg := cli(t, nil, append(append([]string{"compress", "--model", weights}, tc.args...), "-o", filepath.Join(dir, "x.pxcz"), in)...)
		wantFailure(t, code, msg, tc.want)
	}
	wantDir(t, dir, "tiny.pxcl", "a.png", "a.pxcz")
}
