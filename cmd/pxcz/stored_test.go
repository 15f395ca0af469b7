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
	"github.com/pxcz/pxcz/internal/fileinfo"
	"github.com/pxcz/pxcz/internal/testimg"
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
// in more bytes, at most 16 bytes larger, but not with --strip; info says
// which; and decompress gives back the original or a PNG of its pixels, as
// the output's name and --strip ask.
func TestStored(t *testing.T) {
	for _, tc := range []struct {
		format, form string
		strip        string // a flag to compress or decompress
		out          string // decompress's output
		original     bool   // which is the original file
	}{
		{"png", "stored PNG", "", "out.png", true},
		{"png", "stored PNG", "", "out.jpg", true}, // a PNG is the exact pixels anyway
		{"png", "stored PNG", "decompress", "out.png", false},
		{"png", "modelled", "compress", "out.png", false},
		{"jpeg", "stored JPEG", "", "out.png", false},
		{"jpeg", "stored JPEG", "", "out.JPG", true},
		{"jpeg", "stored JPEG", "", "out.jpeg", true},
		{"jpeg", "stored JPEG", "decompress", "out.jpg", false},
		{"jpeg", "modelled", "compress", "out.jpg", false},
		{"gif", "stored GIF", "", "out.png", false},
		{"gif", "stored GIF", "", "out.gif", true},
	} {
		t.Run(tc.format+" to "+tc.out+" strip "+tc.strip, func(t *testing.T) {
			dir := t.TempDir()
			src := encodeAs(t, tc.format, repeats())
			packed := filepath.Join(dir, "in.pxcz")
			flags := func(cmd string) []string {
				if tc.strip == cmd {
					return []string{cmd, "--strip"}
				}
				return []string{cmd}
			}
			mustRun(t, nil, append(flags("compress"), "-o", packed, writeFile(t, dir, "in."+tc.format, src))...)
			data, err := os.ReadFile(packed)
			if err != nil {
				t.Fatal(err)
			}
			if tc.form != "modelled" && len(data) > len(src)+codec.StoredOverhead {
				t.Errorf("%d bytes from %d", len(data), len(src))
			}

			if text := string(mustRun(t, nil, "info", packed)); !strings.Contains(text, "form:        "+tc.form+"\n") {
				t.Errorf("info says\n%s\nwant form %q", text, tc.form)
			}
			var fi fileinfo.Info
			if err := json.Unmarshal(mustRun(t, nil, "info", "--json", packed), &fi); err != nil {
				t.Fatal(err)
			}
			if stored := tc.form != "modelled"; fi.Form != tc.form || stored && (fi.Mixed || fi.Model != "" || fi.ModelNumber != 0) || fi.Bytes != int64(len(data)) {
				t.Errorf("info --json = %+v, want form %q and no model", fi, tc.form)
			}

			out := filepath.Join(dir, tc.out)
			mustRun(t, nil, append(flags("decompress"), "-o", out, packed)...)
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
			if at := testimg.Diff(decodeImage(t, src), decodeImage(t, got)); at != "" {
				t.Errorf("pixels differ at %s", at)
			}
		})
	}
}
