package main

import (
	"encoding/json"
	"image"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/internal/aetest"
	"github.com/pxcz/pxcz/internal/fileinfo"
	"github.com/pxcz/pxcz/model/ae"
)

// writeLossyModel writes the tiny lossy model (aetest.Tiny) into dir and
// returns its path.
func writeLossyModel(t *testing.T, dir string) string {
	t.Helper()
	data, _ := aetest.Tiny(t, 1).MarshalBinary()
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

// TestExportAEContext adds context tables to a lossy model file with
// export-ae --context, and codes and decodes an image with the result.
func TestExportAEContext(t *testing.T) {
	dir, photos := t.TempDir(), t.TempDir()
	weights := writeLossyModel(t, dir)
	rng := rand.New(rand.NewSource(3))
	for _, name := range []string{"a.png", "b.png"} {
		img := image.NewNRGBA(image.Rect(0, 0, 256, 256))
		for i := range img.Pix {
			if i%4 == 3 || i%1024 < 512 {
				img.Pix[i] = 255
			} else {
				img.Pix[i] = uint8(rng.Intn(256))
			}
		}
		writeFile(t, photos, name, encodeAs(t, "png", img))
	}
	fitted := filepath.Join(dir, "fitted.pxcl")
	mustRun(t, nil, "export-ae", "--context", photos, "--context-crops", "6", "--name", "tiny with context", "-o", fitted, weights)
	m, err := ae.LoadFile(fitted)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "tiny with context" {
		t.Errorf("the fitted model is named %q", m.Name())
	}
	in := writeFile(t, dir, "c.png", encodeAs(t, "png", testImages()["rgb8x8"]))
	out := filepath.Join(dir, "c.pxcz")
	mustRun(t, nil, "compress", "--lossy", "--model", fitted, "-o", out, in)
	decodeImage(t, mustRun(t, nil, "decompress", "--model", fitted, "-o", "-", out))
	code, _, msg := cli(t, nil, "export-ae", "--context", photos, "-o", filepath.Join(dir, "twice.pxcl"), fitted)
	wantFailure(t, code, msg, "context tables already")
}

// TestExportAESteps keeps some of a lossy model's operating points with
// export-ae --finest and --coarsest, and codes with the result at the
// finest it kept.
func TestExportAESteps(t *testing.T) {
	dir := t.TempDir()
	weights := writeLossyModel(t, dir)
	for _, tc := range []struct {
		args []string
		want []int32
	}{
		{[]string{"--finest", "1", "--coarsest", "2"}, []int32{1024, 1218, 1448, 1722, 2048}},
		{[]string{"--finest", "1.41"}, ae.Steps[6:]},
		{[]string{"--coarsest", "0.55"}, []int32{512}},
	} {
		cut := filepath.Join(dir, "cut.pxcl")
		mustRun(t, nil, append(append([]string{"export-ae", "-f", "-o", cut}, tc.args...), weights)...)
		m, err := ae.LoadFile(cut)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m.Steps(), tc.want) {
			t.Errorf("%v kept steps %v, want %v", tc.args, m.Steps(), tc.want)
		}
	}
	in := writeFile(t, dir, "c.png", encodeAs(t, "png", testImages()["rgb8x8"]))
	out := filepath.Join(dir, "c.pxcz")
	mustRun(t, nil, "compress", "--lossy", "--quality", "100", "--model", filepath.Join(dir, "cut.pxcl"), "-o", out, in)
	decodeImage(t, mustRun(t, nil, "decompress", "--model", filepath.Join(dir, "cut.pxcl"), "-o", "-", out))
	code, _, msg := cli(t, nil, "export-ae", "--finest", "9", "-o", filepath.Join(dir, "none.pxcl"), weights)
	wantFailure(t, code, msg, "none of the model's quantization steps")
}

// TestBenchLossyPlot runs a lossy benchmark with a lossy model file and
// draws its rate-distortion plot: pxcz's operating points as one line in
// each panel.
func TestBenchLossyPlot(t *testing.T) {
	dir, photos, out := t.TempDir(), t.TempDir(), t.TempDir()
	weights := writeLossyModel(t, dir)
	writeFile(t, photos, "a.png", encodeAs(t, "png", testImages()["rgb8x8"]))
	svgPath, tablePath := filepath.Join(out, "rd.svg"), filepath.Join(out, "rd.txt")
	mustRun(t, nil, "bench", "-q", "--lossy", "--against", "none", "--model", weights,
		"--plot", svgPath, "--cache", filepath.Join(out, "cache"), "-o", tablePath, photos)
	table, err := os.ReadFile(tablePath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(table), "pxcz --lossy --quality 100") {
		t.Errorf("the table has no quality 100 row:\n%s", table)
	}
	svg, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	// An 8x8 image has no MS-SSIM: the PSNR panel alone has a line.
	if n := strings.Count(string(svg), "<polyline"); n != 1 {
		t.Errorf("%d lines in the plot, want 1:\n%s", n, svg)
	}
}
