package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/pxcz/pxcz/internal/atomicfile"
)

// output is where a command writes its result: either standard output, or
// a temporary file next to the destination that commit renames into place,
// so that a failed or interrupted run never leaves a partial file behind.
type output struct {
	path  string // the destination; "-" for standard output
	force bool   // replace an existing destination
	w     io.Writer
	file  *atomicfile.File // nil for standard output, and once committed or aborted
}

// createOutput prepares to write path ("-" for standard output). It refuses
// an existing destination unless force is set, and a terminal as standard
// output, before any slow work is done; what describes the data for the
// terminal message. Callers must call abort (harmless after commit) when done.
func createOutput(path string, force bool, what string) (*output, error) {
	if path == "-" {
		if isTerminal(std.out) {
			return nil, fmt.Errorf("refusing to write %s to a terminal (use -o FILE, or redirect stdout)", what)
		}
		return &output{path: path, w: std.out}, nil
	}
	perm := fs.FileMode(0o644)
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("%s is a directory", path)
	case err == nil && !force:
		return nil, fmt.Errorf("%s exists (use -f to overwrite)", path)
	case err == nil:
		perm = fi.Mode().Perm() // overwriting keeps the file's permissions
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	f, err := atomicfile.Create(path, perm)
	if err != nil {
		return nil, fmt.Errorf("cannot write to %s: %w", filepath.Dir(path), err)
	}
	temps.add(f.TempName())
	return &output{path: path, force: force, w: f, file: f}, nil
}

// Write writes to the destination (its temporary file until commit).
func (o *output) Write(p []byte) (int, error) { return o.w.Write(p) }

// commit makes the written data the destination (atomicfile.File.Commit).
func (o *output) commit() error {
	if o.path == "-" {
		return nil
	}
	f := o.file
	if f == nil {
		return fmt.Errorf("%s: output already closed", o.path)
	}
	o.file = nil
	defer temps.remove(f.TempName())
	if !o.force {
		// Someone may have created the destination while we worked.
		if _, err := os.Lstat(o.path); err == nil {
			f.Abort()
			return fmt.Errorf("%s exists (use -f to overwrite)", o.path)
		}
	}
	return f.Commit()
}

// abort removes the temporary file unless commit has already run.
func (o *output) abort() {
	if o.file == nil {
		return
	}
	o.file.Abort()
	temps.remove(o.file.TempName())
	o.file = nil
}

// temps tracks the temporary files not yet committed or removed, so that
// an interrupt can remove them too.
var temps = tempSet{names: map[string]bool{}}

type tempSet struct {
	sync.Mutex
	names map[string]bool
}

func (s *tempSet) add(name string) {
	s.Lock()
	defer s.Unlock()
	s.names[name] = true
}

func (s *tempSet) remove(name string) {
	s.Lock()
	defer s.Unlock()
	delete(s.names, name)
}

// removeAll removes every tracked file; it runs as the process exits.
func (s *tempSet) removeAll() {
	s.Lock()
	defer s.Unlock()
	for name := range s.names {
		os.Remove(name)
	}
	clear(s.names)
}

// removeTempsOnSignal makes SIGINT and SIGTERM remove the temporary files
// before exiting, as an error would.
func removeTempsOnSignal() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-c
		temps.removeAll()
		nl := ""
		if isTerminal(std.err) {
			nl = "\n" // after the progress bar or the echoed ^C
		}
		fmt.Fprintf(std.err, "%spxcz: interrupted\n", nl)
		os.Exit(130)
	}()
}
