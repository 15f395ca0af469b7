package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color/palette"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/codec"
)

// repeats is a 48x32 image of a noisy 16x16 tile repeated, whose PNG and
// GIF (which find the repeats) and JPEG are smaller than its pixels coded
// by the model.
func repeats() *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, 48, 32), palette.Plan9)
	for y := range 32 {
		for x := range 48 {
			img.Pix[y*img.Stride+x] = uint8(uint32(x%16+y%16*16) * 2654435761 >> 24)
		}
	}
	return img
}

// TestStored: compress keeps a PNG, JPEG or GIF file that the model codes
// in more bytes, at most 16 bytes larger, info says so, and decompress
// gives back the original or a PNG of its pixels, as the output's name
// asks.
func TestStored(t *testing.T) {
	for _, tc := range []struct {
		format, form string
		out          string // decompress's output
		original     bool   // which is the original file
	}{
		{"png", "stored PNG", "out.png", true},
		{"png", "stored PNG", "out.jpg", true}, // a PNG is the exact pixels anyway
		{"jpeg", "stored JPEG", "out.png", false},
		{"jpeg", "stored JPEG", "out.JPG", true},
		{"jpeg", "stored JPEG", "out.jpeg", true},
		{"gif", "stored GIF", "out.png", false},
		{"gif", "stored GIF", "out.gif", true},
	} {
		t.Run(tc.format+" to "+tc.out, func(t *testing.T) {
			dir := t.TempDir()
			src := encodeAs(t, tc.format, repeats())
			packed := filepath.Join(dir, "in.pxcz")
			mustRun(t, nil, "compress", "-o", packed, writeFile(t, dir, "in."+tc.format, src))
			data, err := os.ReadFile(packed)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) > len(src)+codec.StoredOverhead {
				t.Errorf("%d bytes from %d", len(data), len(src))
			}

			if text := string(mustRun(t, nil, "info", packed)); !strings.Contains(text, "form:        "+tc.form+"\n") {
				t.Errorf("info says\n%s\nwant form %q", text, tc.form)
			}
			var fi fileInfo
			if err := json.Unmarshal(mustRun(t, nil, "info", "--json", packed), &fi); err != nil {
				t.Fatal(err)
			}
			if fi.Form != tc.form || fi.Mixed || fi.Model != "" || fi.ModelNumber != 0 || fi.Bytes != int64(len(data)) {
				t.Errorf("info --json = %+v, want form %q and no model", fi, tc.form)
			}

			out := filepath.Join(dir, tc.out)
			mustRun(t, nil, "decompress", "-o", out, packed)
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(got, src) != tc.original {
				t.Errorf("wrote the original: %v, want %v", !tc.original, tc.original)
			}
			if !tc.original && !bytes.HasPrefix(got, []byte("\x89PNG")) {
				t.Error("wrote neither the original nor a PNG")
			}
			if at := samePixels(decodeImage(t, src), decodeImage(t, got)); at != "" {
				t.Errorf("pixels differ at %s", at)
			}
		})
	}
}
