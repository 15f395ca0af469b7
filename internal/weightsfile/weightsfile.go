// Package weightsfile reads a weights file from disk for the packages that
// define one (model's lossless files, model/ae's lossy ones), so that both
// open it and name it in their errors the same way.
package weightsfile

import (
	"fmt"
	"io"
	"os"
)

// Load opens the file at path and parses it with parse (which buffers as
// it needs). A parse error is prefixed with path, so that a caller loading
// several files can tell which one is bad; an open error already names it.
func Load[W any](path string, parse func(io.Reader) (W, error)) (W, error) {
	var zero W
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	w, err := parse(f)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}
