package main

import (
	"bytes"
	"encoding/csv"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchFolder writes a folder holding one small RGB image.
func benchFolder(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 5, 3))
	for i := range 15 {
		img.Set(i%5, i/5, color.RGBA{uint8(i * 17), uint8(i * 3), 200, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.png"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBenchCommand(t *testing.T) {
	dir := benchFolder(t)
	out := t.TempDir()
	csvPath, svgPath := filepath.Join(out, "t.csv"), filepath.Join(out, "p.svg")
	var stderr bytes.Buffer
	args := []string{"bench", "-q", "--against", "png", "--format", "csv", "-o", csvPath, "--plot", svgPath, "--cache", filepath.Join(out, "cache"), dir}
	if code := run(args, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d CSV rows, want a header, pxcz and Go's PNG:\n%q", len(rows), rows)
	}
	for i, codec := range []string{"pxcz", "Go image/png (best)"} {
		r := rows[i+1]
		if r[0] != "tiny" || r[1] != codec || r[2] != "1" || r[3] != "0" || r[5] != "45" {
			t.Errorf("row %q, want 1 image of 45 sub-pixels through %s on data set tiny, no failure", r, codec)
		}
	}
	svg, err := os.ReadFile(svgPath)
	if err != nil || !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("plot: %v, starts %.20q", err, svg)
	}
	// The cache holds one entry per codec now.
	entries, _ := filepath.Glob(filepath.Join(out, "cache", "*", "*.json"))
	if len(entries) != 2 {
		t.Errorf("%d cache entries, want 2", len(entries))
	}
}

func TestBenchAbsentPeer(t *testing.T) {
	dir := benchFolder(t)
	t.Setenv("PATH", t.TempDir()) // no peer tool anywhere
	out := filepath.Join(t.TempDir(), "t.txt")
	var stderr bytes.Buffer
	if code := run([]string{"bench", "-q", "--against", "webp", "-o", out, dir}, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	table, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(table), "Note: cwebp -lossless -z 9 -exact: skipped, cwebp not found (Debian package webp)") {
		t.Errorf("table does not say cwebp was skipped:\n%s", table)
	}
	if strings.Contains(string(table), "\ncwebp") {
		t.Errorf("table has a row for the absent cwebp:\n%s", table)
	}
}

func TestBenchBadCommandLines(t *testing.T) {
	dir := benchFolder(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"bench"}, "no PATH given"},
		{[]string{"bench", "--format", "html", dir}, `unknown --format "html"`},
		{[]string{"bench", "--against", "gif", dir}, `unknown peer "gif"`},
		{[]string{"bench", "-j", "0", dir}, "--jobs must be at least 1"},
		{[]string{"bench", "--model", filepath.Join(dir, "a.png"), dir}, "a.png"},
		{[]string{"bench", filepath.Join(dir, "missing.png")}, "missing.png"},
	} {
		var stderr bytes.Buffer
		if code := run(tt.args, &stderr); code != 1 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%q: exit %d, %q; want 1 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
