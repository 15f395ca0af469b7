package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/fileinfo"
	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/model"
)

func TestInfo(t *testing.T) {
	def, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	fp := def.Fingerprint()
	for _, c := range []struct {
		img      string
		size     string
		layout   string
		channels int
		streams  int
	}{
		{"gray8x8", "8x8", "Gray", 1, 1},
		{"rgb8x8", "8x8", "RGB", 3, 1},
		{"rgba8x8", "8x8", "RGBA", 4, 2}, // color, then alpha
		{"offset5x3", "5x3", "RGB", 3, 1},
	} {
		t.Run(c.img, func(t *testing.T) {
			dir := t.TempDir()
			// Encode codes the pixels, even where compress would store
			// the PNG (rgba8x8's noise).
			var file bytes.Buffer
			if err := codec.Encode(&file, testImages()[c.img], nil); err != nil {
				t.Fatal(err)
			}
			path := writeFile(t, dir, "a.pxcz", file.Bytes())
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			var w, h int
			fmt.Sscanf(c.size, "%dx%d", &w, &h)
			bpd := float64(st.Size()) * 8 / float64(w*h*c.channels)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			hdr, subs, err := container.Split(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(subs) != c.streams {
				t.Fatalf("%d substreams, want %d", len(subs), c.streams)
			}
			var lengths []int64
			var sizes []string
			for _, s := range subs {
				lengths = append(lengths, int64(len(s)))
				sizes = append(sizes, fmt.Sprint(len(s)))
			}

			mode := "Lossless, the model mixed with predictors and sharpened by a product of experts"
			if hdr.Params != 0 {
				mode += ", " + codec.DescribeParams(hdr.Params)
			}
			text := string(mustRun(t, nil, "info", path))
			for _, want := range []string{
				"size:        " + c.size + "\n",
				"layout:      " + c.layout + ", " + fileinfo.Plural(c.channels, "channel") + " of 8 bits\n",
				"form:        modelled\n",
				"mode:        " + mode + "\n",
				fmt.Sprintf("model:       %x (built-in model %d, %q)\n", fp, def.Number(), def.Name()),
				fmt.Sprintf("substreams:  %d (%s bytes)\n", c.streams, strings.Join(sizes, " + ")),
				fmt.Sprintf("file size:   %d bytes\n", st.Size()),
				fmt.Sprintf("bits/dim:    %.4f\n", bpd),
			} {
				if !strings.Contains(text, want) {
					t.Errorf("info output lacks %q:\n%s", want, text)
				}
			}

			var got fileinfo.Info
			if err := json.Unmarshal(mustRun(t, nil, "info", "--json", path), &got); err != nil {
				t.Fatal(err)
			}
			want := fileinfo.Info{
				File: path, Width: w, Height: h, Layout: c.layout, Channels: c.channels, Depth: 8,
				Version: container.Version, Mode: "Lossless", Form: "modelled", Mixed: true, Params: hdr.Params, Model: hex.EncodeToString(fp[:]), ModelNumber: def.Number(), ModelName: def.Name(),
				Substreams: lengths, Bytes: st.Size(), BitsPerDim: bpd,
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("info --json = %+v, want %+v", got, want)
			}

			// From a pipe, the size is counted rather than looked up.
			piped := string(mustRun(t, bytes.NewReader(data), "info", "-"))
			if want := strings.Replace(text, "file:        "+path, "file:        stdin", 1); piped != want {
				t.Errorf("info - printed\n%s\nwant\n%s", piped, want)
			}
		})
	}
}

func TestInfoOtherModel(t *testing.T) {
	const weights = "../../codec/testdata/test.pxcm"
	if _, err := os.Stat(weights); err != nil {
		t.Skipf("no test model: %v", err)
	}
	dir := t.TempDir()
	mustRun(t, nil, "compress", "--model", weights, testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb1x1"]))
	m, err := model.LoadFile(weights)
	if err != nil {
		t.Fatal(err)
	}
	fp := m.Fingerprint()
	text := string(mustRun(t, nil, "info", filepath.Join(dir, "a.pxcz")))
	if want := fmt.Sprintf("model:       %x (not a built-in model)\n", fp); !strings.Contains(text, want) {
		t.Errorf("info output lacks %q:\n%s", want, text)
	}
}

func TestInfoBadFile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		data []byte
		want string
	}{
		{nil, "truncated"},
		{[]byte("GIF89a"), "not a pxcz file"},
		{[]byte("PXZ\x01\x03\x08\x08abcd"), "truncated"},
		{[]byte("PXZ\x06\x03\x08\x08abcdefgh"), "unsupported version"},
		{[]byte("PXZ\x02\x03\x08\x08abcd"), "truncated"},
	} {
		path := writeFile(t, dir, "x.pxcz", c.data)
		code, out, msg := cli(t, nil, "info", path)
		wantFailure(t, code, msg, path, c.want)
		if len(out) != 0 {
			t.Errorf("failed info printed %q", out)
		}
	}
}

// TestNearLossless compresses with --max-error, which info reports and
// decompress needs no flag for, and checks the bound.
func TestNearLossless(t *testing.T) {
	dir := t.TempDir()
	img := testImages()["rgba8x8"]
	mustRun(t, nil, "compress", "--max-error", "3", "--max-error-alpha", "2", testimg.WritePNG(t, filepath.Join(dir, "a.png"), img))
	path := filepath.Join(dir, "a.pxcz")
	if text := string(mustRun(t, nil, "info", path)); !strings.Contains(text, "mode:        Near-lossless (color channels within ±3, alpha within ±2)") {
		t.Errorf("info does not show the bounds:\n%s", text)
	}
	var fi fileinfo.Info
	if err := json.Unmarshal(mustRun(t, nil, "info", "--json", path), &fi); err != nil {
		t.Fatal(err)
	}
	if fi.MaxError != 3 || fi.MaxErrorA != 2 {
		t.Errorf("info --json: bounds %d and %d, want 3 and 2", fi.MaxError, fi.MaxErrorA)
	}
	mustRun(t, nil, "decompress", "-o", filepath.Join(dir, "b.png"), path)
	f, err := os.Open(filepath.Join(dir, "b.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	for y := range b.Dy() {
		for x := range b.Dx() {
			p := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			q := color.NRGBAModel.Convert(got.At(x, y)).(color.NRGBA)
			for i, d := range []int{int(p.R) - int(q.R), int(p.G) - int(q.G), int(p.B) - int(q.B), int(p.A) - int(q.A)} {
				if k := []int{3, 3, 3, 2}[i]; d > k || d < -k {
					t.Fatalf("(%d,%d) decodes to %v, from %v", x, y, q, p)
				}
			}
		}
	}
}
