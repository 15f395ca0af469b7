package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/internal/testimg"
)

// FuzzDecompress feeds arbitrary bytes to "pxcz decompress -": it must
// either write a PNG or fail with one line and leave no file behind.
func FuzzDecompress(f *testing.F) {
	dir := f.TempDir()
	for _, name := range []string{"gray8x8", "rgba8x8", "rgb1x1"} {
		packed := filepath.Join(dir, name+".pxcz")
		mustRun(f, nil, "compress", "-o", packed, testimg.WritePNG(f, filepath.Join(dir, name+".png"), testImages()[name]))
		data, err := os.ReadFile(packed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	for _, format := range []string{"png", "jpeg", "gif"} { // stored files
		packed := filepath.Join(dir, format+".pxcz")
		mustRun(f, nil, "compress", "-o", packed, writeFile(f, dir, "repeats."+format, encodeAs(f, format, repeats())))
		data, err := os.ReadFile(packed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{})
	f.Add([]byte("PXZ\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// As in codec's FuzzDecode: larger images cost the fuzzer time in
		// the model, not coverage.
		if cfg, err := codec.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 20*20 {
			return
		}
		dir := t.TempDir()
		out := filepath.Join(dir, "out.png")
		code, stdout, msg := cli(t, bytes.NewReader(data), "decompress", "-j", "1", "-o", out, "-")
		if len(stdout) != 0 {
			t.Errorf("wrote %d bytes to stdout", len(stdout))
		}
		if code != 0 {
			wantFailure(t, code, msg)
			wantDir(t, dir)
			return
		}
		wantDir(t, dir, "out.png")
		file, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		if _, err := png.Decode(file); err != nil {
			t.Errorf("output is not a PNG: %v", err)
		}
	})
}
