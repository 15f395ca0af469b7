package main

import (
	"fmt"
	"io"
	"os"
)

// std holds the process's standard streams. Commands read and write "-"
// through it rather than through os.Stdin and os.Stdout, so that tests can
// swap in buffers and pipes.
var std = struct {
	in  io.Reader
	out io.Writer
	err io.Writer // progress bars; error messages go to run's stderr
}{os.Stdin, os.Stdout, os.Stderr}

// isTerminal reports whether s is an interactive character device. The null
// device is a character device too, but writing binary data to it is exactly
// what "> /dev/null" asks for, so it does not count.
func isTerminal(s any) bool {
	f, ok := s.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}

// openInput opens path for reading, "-" meaning standard input. name is what
// error messages should call it.
func openInput(path string) (r io.ReadCloser, name string, err error) {
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, path, err
		}
		return f, path, nil
	}
	// Waiting for someone to type an image is never what was meant.
	if isTerminal(std.in) {
		return nil, "stdin", fmt.Errorf("refusing to read image data from a terminal (give a file, or pipe one in)")
	}
	return io.NopCloser(std.in), "stdin", nil
}

// warn prints a warning on standard error, on a line of its own.
func warn(format string, args ...any) {
	fmt.Fprintf(std.err, "pxcz: warning: "+format+"\n", args...)
}
