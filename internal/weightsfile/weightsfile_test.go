package weightsfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoad checks that Load gives what parse made of the file, names the
// file in a parse error while keeping the error for errors.Is, and passes
// an open error on as it is.
func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.bin")
	if err := os.WriteFile(path, []byte("weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(r io.Reader) (string, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	}
	if got, err := Load(path, read); got != "weights" || err != nil {
		t.Errorf("Load gives %q, %v", got, err)
	}

	errBad := errors.New("bad weights")
	_, err := Load(path, func(io.Reader) (int, error) { return 0, errBad })
	if !errors.Is(err, errBad) || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("a parse error comes back as %v", err)
	}

	missing := filepath.Join(filepath.Dir(path), "none.bin")
	_, err = Load(missing, read)
	if !errors.Is(err, fs.ErrNotExist) || strings.Count(err.Error(), missing) != 1 {
		t.Errorf("a missing file gives %v", err)
	}
}
