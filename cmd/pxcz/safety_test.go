//go:build linux

package main

import (
	"errors"
	"image"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pxcz/pxcz/internal/testimg"
)

// The output's safety: whatever goes wrong while pxcz writes, no partial
// file appears and an existing file is left as it was.

const testWeights = "../../codec/testdata/test.pxcm"

// noise is a w x h image that codes to about 3 bytes a pixel.
func noise(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rand.New(rand.NewSource(1)).Read(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	return img
}

// mountTmpfs mounts a tmpfs of size bytes (flags: syscall.MS_RDONLY or 0)
// on a new folder, or skips the test where that is not allowed (not root,
// not Linux, in a container without the capability).
func mountTmpfs(t *testing.T, size string, flags uintptr) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	return dir
}

// TestOutputIsDirectory: an output name that is taken by a directory is
// refused, with or without -f, and the directory is left as it was. (-o
// naming a directory writes into it instead; TestOverwrite covers that.)
func TestOutputIsDirectory(t *testing.T) {
	dir := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb8x8"])
	packed := filepath.Join(t.TempDir(), "b.pxcz")
	mustRun(t, nil, "compress", "-o", packed, in)
	taken := filepath.Join(dir, "a.pxcz")
	if err := os.Mkdir(taken, 0o755); err != nil {
		t.Fatal(err)
	}
	unpacked := filepath.Join(filepath.Dir(packed), "b.png")
	if err := os.Mkdir(unpacked, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		dir  string
	}{
		{[]string{"compress", in}, taken},
		{[]string{"compress", "-f", in}, taken},
		{[]string{"decompress", "-f", packed}, unpacked},
	} {
		code, _, msg := cli(t, nil, c.args...)
		wantFailure(t, code, msg, c.dir, "is a directory")
		wantDir(t, c.dir)
	}
	wantDir(t, dir, "a.png", "a.pxcz")
}

func TestReadOnlyFolder(t *testing.T) {
	src := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(src, "a.png"), testImages()["rgb8x8"])
	dir := mountTmpfs(t, "64k", 0)
	old := writeFile(t, dir, "a.pxcz", []byte("precious"))
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot make the tmpfs read-only: %v", err)
	}
	for _, args := range [][]string{
		{"compress", "-o", filepath.Join(dir, "b.pxcz"), in},
		{"compress", "-f", "-o", old, in},
	} {
		code, _, msg := cli(t, nil, args...)
		wantFailure(t, code, msg, "cannot write to "+dir, "read-only file system")
	}
	if data, _ := os.ReadFile(old); string(data) != "precious" {
		t.Errorf("%s now holds %q", old, data)
	}
	wantDir(t, dir, "a.pxcz")
}

func TestFullDisk(t *testing.T) {
	src := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(src, "noise.png"), noise(100, 100)) // about 30 KB coded
	dir := mountTmpfs(t, "16k", 0)
	old := writeFile(t, dir, "noise.pxcz", []byte("precious"))
	for _, args := range [][]string{
		{"compress", "-e", "1", "--model", testWeights, "-o", filepath.Join(dir, "new.pxcz"), in},
		{"compress", "-e", "1", "--model", testWeights, "-f", "-o", old, in},
	} {
		code, _, msg := cli(t, nil, args...)
		wantFailure(t, code, msg, "no space left on device")
	}
	if data, _ := os.ReadFile(old); string(data) != "precious" {
		t.Errorf("%s now holds %q", old, data)
	}
	wantDir(t, dir, "noise.pxcz")

	// Standard output on a full disk: the error, and nothing else.
	saved := std
	defer func() { std = saved }()
	std.out = fullDisk{}
	var msg strings.Builder
	code := run([]string{"compress", "-e", "1", "--model", testWeights, "-o", "-", in}, &msg)
	wantFailure(t, code, msg.String(), "no space left on device")
}

// fullDisk is a writer on a full disk.
type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestKilled stops pxcz compress -f while it works, with SIGTERM (which
// removes its temporary file) and SIGKILL (which cannot be caught, and
// leaves the hidden temporary file): the file it would replace is intact
// either way.
func TestKilled(t *testing.T) {
	if args := os.Getenv("PXCZ_TEST_ARGS"); args != "" {
		// The child: pxcz itself, as main runs it.
		removeTempsOnSignal()
		os.Exit(run(strings.Split(args, "\n"), os.Stderr))
	}
	src := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(src, "noise.png"), noise(256, 256)) // several seconds at -e 4
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			old := writeFile(t, dir, "noise.pxcz", []byte("precious"))
			cmd := exec.Command(os.Args[0], "-test.run=^TestKilled$")
			cmd.Env = append(os.Environ(), "PXCZ_TEST_ARGS="+strings.Join([]string{"compress", "-f", "-e", "4", "-j", "1", "--model", testWeights, "-o", old, in}, "\n"))
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			tmp := waitForTemp(t, dir)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("pxcz finished before the signal (%v): make its work longer", err)
			}
			if data, _ := os.ReadFile(old); string(data) != "precious" {
				t.Errorf("%s now holds %q", old, data)
			}
			if sig == syscall.SIGKILL {
				wantDir(t, dir, "noise.pxcz", tmp)
			} else {
				wantDir(t, dir, "noise.pxcz")
			}
		})
	}
}

// waitForTemp waits for pxcz's temporary file to appear in dir, which
// happens just before it starts coding, and returns its name.
func waitForTemp(t *testing.T, dir string) string {
	t.Helper()
	for range 1000 {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				time.Sleep(100 * time.Millisecond) // into the coding
				return e.Name()
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no temporary file appeared in 10 s")
	return ""
}
