package registry

import (
	"crypto/sha256"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/fstest"
)

// weights are a file's bytes, fingerprinted by their hash.
type weights struct{ data []byte }

func (w *weights) Fingerprint() [4]byte { s := sha256.Sum256(w.data); return [4]byte(s[:4]) }

func parse(r io.Reader) (*weights, error) {
	b, err := io.ReadAll(r)
	if len(b) == 0 {
		return nil, fmt.Errorf("empty")
	}
	return &weights{b}, err
}

func fp(data string) string {
	w := weights{[]byte(data)}
	f := w.Fingerprint()
	return fmt.Sprintf("%x", f)
}

func TestTable(t *testing.T) {
	fsys := fstest.MapFS{"a.w": {Data: []byte("a")}, "retired/b-" + fp("b") + ".w": {Data: []byte("b")}}
	good := []Entry{{1, fp("b"), "retired/b-" + fp("b") + ".w"}, {2, fp("a"), "a.w"}}
	tab := New(fsys, parse, "test weights", good...)
	if err := tab.Check(fsys, "*.w", "retired/*.w"); err != nil {
		t.Fatal(err)
	}
	a, err := tab.File("a.w")
	if err != nil || string(a.data) != "a" {
		t.Fatalf("File(a.w) = %v, %v", a, err)
	}
	if n, err := tab.Numbered(3); n != nil || err != nil {
		t.Errorf("Numbered(3) = %v, %v; want none", n, err)
	}
	if all, err := tab.All(); err != nil || len(all) != 2 || string(all[0].data) != "b" {
		t.Errorf("All = %v, %v", all, err)
	}
	for name, tc := range map[string]struct {
		entries []Entry
		want    string
	}{
		"repeated number":   {[]Entry{good[0], {1, fp("a"), "a.w"}}, "repeats"},
		"number 255":        {[]Entry{good[0], {255, fp("a"), "a.w"}}, "255"},
		"wrong fingerprint": {[]Entry{good[0], {2, fp("b"), "a.w"}}, "repeats"},
		"other fingerprint": {[]Entry{good[0], {2, "00000000", "a.w"}}, "fingerprint"},
		"unlisted file":     {good[:1], "not in the table"},
		"retired misnamed":  {[]Entry{{1, fp("a"), "retired/a.w"}, {2, fp("b"), good[0].File}}, "should be named"},
	} {
		fs := fstest.MapFS{"a.w": fsys["a.w"], "retired/a.w": fsys["a.w"], good[0].File: fsys[good[0].File]}
		err := New(fs, parse, "test weights", tc.entries...).Check(fs, "*.w")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Check says %v, want an error containing %q", name, err, tc.want)
		}
	}
}
