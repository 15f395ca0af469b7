// Package registry is the table of weights files that a pxcz binary
// embeds, of one kind: each file under a number that coded files name it
// by for good, parsed only when a file or a caller first needs it.
package registry

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
)

// Weights is what a table holds: a parsed weights file.
type Weights interface{ Fingerprint() [4]byte }

// Entry is one embedded weights file.
type Entry struct {
	// Number is what files name it by: never 0 (no number) or 255 (the
	// codec's stored files), and never given again once retired.
	Number byte
	// Fingerprint is its hex fingerprint, which Check compares with the
	// file's.
	Fingerprint string
	// File is its path in the table's file system; a retired file lies in
	// retired/NAME-FINGERPRINT.EXT.
	File string
}

// Table is the embedded weights files of one kind.
type Table[W Weights] struct {
	entries []Entry
	loads   []func() (W, error)
}

// New returns the table of entries, whose files fsys holds and parse
// reads; what names the kind in errors ("built-in model").
func New[W Weights](fsys fs.FS, parse func(io.Reader) (W, error), what string, entries ...Entry) *Table[W] {
	t := &Table[W]{entries: entries}
	for _, e := range entries {
		t.loads = append(t.loads, sync.OnceValues(func() (W, error) {
			var zero W
			f, err := fsys.Open(e.File)
			if err != nil {
				return zero, err
			}
			defer f.Close()
			w, err := parse(f)
			if err != nil {
				return zero, fmt.Errorf("%s %s: %w", what, e.File, err)
			}
			return w, nil
		}))
	}
	return t
}

// Entries lists the table, in the order it was given.
func (t *Table[W]) Entries() []Entry { return t.entries }

// File returns the weights of the entry of file name, which must be in the
// table.
func (t *Table[W]) File(name string) (W, error) {
	for i, e := range t.entries {
		if e.File == name {
			return t.loads[i]()
		}
	}
	panic("registry: no entry for " + name)
}

// All returns every entry's weights, loading them all, in table order.
func (t *Table[W]) All() ([]W, error) {
	ws := make([]W, len(t.entries))
	for i := range t.entries {
		var err error
		if ws[i], err = t.loads[i](); err != nil {
			return nil, err
		}
	}
	return ws, nil
}

// Numbered returns the weights numbered n, or the zero W if none is.
func (t *Table[W]) Numbered(n byte) (W, error) {
	for i, e := range t.entries {
		if e.Number == n {
			return t.loads[i]()
		}
	}
	var zero W
	return zero, nil
}

// Lookup returns the weights of fingerprint fp, loading only them, or the
// zero W if none has it.
func (t *Table[W]) Lookup(fp [4]byte) (W, error) {
	if i := t.index(fp); i >= 0 {
		return t.loads[i]()
	}
	var zero W
	return zero, nil
}

// Number is the number of the entry of fingerprint fp, 0 if none has it.
func (t *Table[W]) Number(fp [4]byte) byte {
	if i := t.index(fp); i >= 0 {
		return t.entries[i].Number
	}
	return 0
}

func (t *Table[W]) index(fp [4]byte) int {
	hex := fmt.Sprintf("%x", fp)
	for i, e := range t.entries {
		if e.Fingerprint == hex {
			return i
		}
	}
	return -1
}

// Check reports the first problem with t, whose files fsys holds: an
// entry that repeats a file, number or fingerprint or takes number 0 or
// 255, a file whose fingerprint is not its entry's (or, retired, not the
// one its name ends in), lookups that do not find it, or a file matching
// one of patterns that no entry lists. Packages test their tables with it.
func (t *Table[W]) Check(fsys fs.FS, patterns ...string) error {
	listed, numbers, fps := map[string]bool{}, map[byte]bool{}, map[string]bool{}
	for i, e := range t.entries {
		if listed[e.File] || numbers[e.Number] || fps[e.Fingerprint] || e.Number == 0 || e.Number == 255 {
			return fmt.Errorf("entry %d %s %s repeats a file, number or fingerprint, or is number 0 or 255 (stored files')", e.Number, e.Fingerprint, e.File)
		}
		listed[e.File], numbers[e.Number], fps[e.Fingerprint] = true, true, true
		w, err := t.loads[i]()
		if err != nil {
			return err
		}
		if got := fmt.Sprintf("%x", w.Fingerprint()); got != e.Fingerprint {
			return fmt.Errorf("%s has fingerprint %s, the table says %s", e.File, got, e.Fingerprint)
		}
		if dir, name := path.Split(e.File); dir == "retired/" && !strings.HasSuffix(strings.TrimSuffix(name, path.Ext(name)), "-"+e.Fingerprint) {
			return fmt.Errorf("retired %s should be named NAME-%s%s", e.File, e.Fingerprint, path.Ext(name))
		}
		if n, err := t.Numbered(e.Number); err != nil || any(n) != any(w) {
			return fmt.Errorf("Numbered(%d) does not give %s (%v)", e.Number, e.File, err)
		}
		if l, err := t.Lookup(w.Fingerprint()); err != nil || any(l) != any(w) {
			return fmt.Errorf("Lookup(%s) does not give %s (%v)", e.Fingerprint, e.File, err)
		}
		if n := t.Number(w.Fingerprint()); n != e.Number {
			return fmt.Errorf("%s: Number gives %d, want %d", e.File, n, e.Number)
		}
	}
	for _, p := range patterns {
		files, err := fs.Glob(fsys, p)
		if err != nil {
			return err
		}
		for _, f := range files {
			if !listed[f] {
				return fmt.Errorf("%s is embedded but not in the table", f)
			}
		}
	}
	if n := t.Number([4]byte{}); n != 0 {
		return fmt.Errorf("the zero fingerprint has number %d", n)
	}
	return nil
}
