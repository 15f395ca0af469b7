// Package atomicfile writes files that appear whole or not at all: the data
// goes to a temporary file in the destination's folder (so that the rename
// cannot cross file systems), reaches the disk, and is then renamed into
// place. A failed or interrupted write leaves the old file, or none.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// File is a destination being written. Write to it, then Commit to put it
// in place, or Abort to drop it; Abort after Commit does nothing, so
// callers can defer it.
type File struct {
	path string
	name string // the temporary file's
	perm fs.FileMode
	tmp  *os.File // nil once committed or aborted
}

// Create starts writing path, whose permissions will be perm, set as given
// (the umask does not apply). The temporary file is named after path with
// a leading dot, which hides it from ls.
func Create(path string, perm fs.FileMode) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &File{path: path, name: tmp.Name(), perm: perm, tmp: tmp}, nil
}

// TempName is the name of the temporary file, for callers that must remove
// it themselves when the process is interrupted.
func (f *File) TempName() string { return f.name }

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.tmp == nil {
		return 0, errClosed
	}
	return f.tmp.Write(p)
}

var errClosed = errors.New("atomicfile: file already committed or aborted")

// Commit makes what was written the destination: the data reaches the disk
// before the rename, so a crash leaves either the old file or the whole new
// one. On failure the temporary file is removed.
func (f *File) Commit() error {
	if f.tmp == nil {
		return errClosed
	}
	tmp := f.tmp
	f.tmp = nil
	err := tmp.Chmod(f.perm)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.name, f.path)
	}
	if err != nil {
		os.Remove(f.name)
		return err
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Abort removes the temporary file unless Commit has already run.
func (f *File) Abort() {
	if f.tmp == nil {
		return
	}
	f.tmp.Close()
	os.Remove(f.name)
	f.tmp = nil
}

// Write writes path with what fill writes to a buffered writer, through a
// File: path appears only if fill and the write succeed.
func Write(path string, perm fs.FileMode, fill func(w io.Writer) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Commit()
}

// syncDir makes a rename in dir durable. Not every system can sync a
// directory, and the data is safe in the file either way, so errors are
// ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
