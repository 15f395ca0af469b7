package main

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/internal/testimg"
)

var (
	verifyDir    = flag.String("verify", "", "TestVerify: round-trip every PNG under this `folder` (make verify)")
	verifyEffort = flag.Int("verify-effort", 1, "TestVerify: the effort to code at")
)

// TestVerify reads every PNG under -verify as compress does, codes it with
// the built-in models and checks that it decodes to exactly its pixels,
// reporting how many files were coded and how many refused, by reason.
// make verify runs it over ../shared/data; plain go test skips it.
func TestVerify(t *testing.T) {
	if *verifyDir == "" {
		t.Skip("no -verify folder (make verify)")
	}
	var files []string
	err := filepath.WalkDir(*verifyDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".png") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var ok, bad, pixels, bytesOut int64
	refused := map[string]int{}
	start := time.Now()
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := readImage(bytes.NewReader(data), DefaultMaxPixels)
		if err != nil {
			refused[err.Error()]++
			t.Logf("%s: refused: %v", f, err)
			continue
		}
		var buf bytes.Buffer
		opts := &codec.Options{Effort: *verifyEffort, Workers: 1}
		if err := codec.Encode(&buf, img, opts); err != nil {
			t.Errorf("%s: readImage accepted it, Encode refused it: %v", f, err)
			bad++
			continue
		}
		n := int64(buf.Len())
		got, err := codec.DecodeWith(&buf, opts)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			bad++
			continue
		}
		if at := testimg.Diff(img, got); at != "" {
			t.Errorf("%s: decoded pixels differ at %s", f, at)
			bad++
			continue
		}
		ok++
		b := img.Bounds()
		pixels += int64(b.Dx() * b.Dy())
		bytesOut += n
		if (i+1)%25 == 0 {
			t.Logf("%d/%d files, %s", i+1, len(files), time.Since(start).Round(time.Second))
		}
	}
	t.Logf("verify %s: %d PNG files, %d round-tripped exactly (%d pixels, %d bytes, effort %d), %d failed, %d refused, in %s",
		*verifyDir, len(files), ok, pixels, bytesOut, *verifyEffort, bad, int64(len(files))-ok-bad, time.Since(start).Round(time.Second))
	for reason, n := range refused {
		t.Logf("  refused %d: %s", n, reason)
	}
}
