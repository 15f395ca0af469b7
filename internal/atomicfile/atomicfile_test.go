package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestWrite checks that the destination holds the whole new data after a
// write that succeeds, is untouched by one that fails, and that no
// temporary file is left either way.
func TestWrite(t *testing.T) {
	errFill := errors.New("fill failed")
	for _, c := range []struct {
		name string
		old  string // the destination's content before, "" for none
		fill func(io.Writer) error
		want string // its content after, "" for none
		err  error
	}{
		{"new", "", func(w io.Writer) error { _, err := io.WriteString(w, "data"); return err }, "data", nil},
		{"replace", "old", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, "new", nil},
		{"fails", "", func(w io.Writer) error { io.WriteString(w, "part"); return errFill }, "", errFill},
		{"fails, keeps old", "old", func(w io.Writer) error { io.WriteString(w, "part"); return errFill }, "old", errFill},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out")
			if c.old != "" {
				if err := os.WriteFile(path, []byte(c.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(path, 0o640, c.fill); !errors.Is(err, c.err) {
				t.Fatalf("Write: %v, want %v", err, c.err)
			}
			got, err := os.ReadFile(path)
			switch {
			case c.want == "" && !errors.Is(err, fs.ErrNotExist):
				t.Errorf("the destination exists (%q, %v)", got, err)
			case c.want != "" && string(got) != c.want:
				t.Errorf("the destination holds %q (%v), want %q", got, err, c.want)
			}
			if c.err == nil {
				if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
					t.Errorf("the destination's mode: %v (%v), want 0640", fi.Mode().Perm(), err)
				}
			}
			entries, _ := os.ReadDir(dir)
			if want := min(len(c.old)+len(c.want), 1); len(entries) != want {
				t.Errorf("%d files in the folder, want %d", len(entries), want)
			}
		})
	}
}

// TestCommitOnce checks that a committed or aborted file refuses further
// writes and commits, and that Abort after Commit keeps the destination.
func TestCommitOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out")
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if _, err := f.Write([]byte("y")); err == nil {
		t.Error("Write after Commit succeeded")
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	if _, err := os.Stat(f.TempName()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the temporary file %s is left: %v", f.TempName(), err)
	}
}
