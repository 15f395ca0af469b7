// Package kit holds what the GPU kit's Go programs (scripts/gpu/pack for
// the lossless trainer, scripts/gpu/aepack for the auto-encoder's) share:
// writing their JSON descriptions and reporting what a device call would
// carry.
package kit

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pxcz/pxcz/internal/atomicfile"
)

// CarryLimit is the most a device call carries: the working tree and the
// ignored paths it names, together.
const CarryLimit = 64 << 20

// ReportCarry prints how much a device call would carry: the files git
// sends (tracked, and untracked but not ignored) and the folder out. When
// that is within 1 MiB of the limit or over it, it also prints hint, what
// to do about it.
func ReportCarry(out, hint string) {
	list, err := exec.Command("git", "ls-files", "-z", "-c", "-o", "--exclude-standard").Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "(cannot list the working tree: %v)\n", err)
		return
	}
	var tree, carried int64
	for _, f := range strings.Split(string(list), "\x00") {
		if fi, err := os.Lstat(f); err == nil && fi.Mode().IsRegular() {
			tree += fi.Size()
		}
	}
	filepath.Walk(out, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			carried += fi.Size()
		}
		return nil
	})
	fmt.Fprintf(os.Stderr, "a device call would carry %.2f MB of working tree + %.2f MB in %s = %.2f MB of the %.2f MB (64 MiB) allowed\n",
		float64(tree)/1e6, float64(carried)/1e6, out, float64(tree+carried)/1e6, float64(CarryLimit)/1e6)
	if tree+carried > CarryLimit-(1<<20) {
		fmt.Fprintln(os.Stderr, "WARNING: that is over the limit or within 1 MiB of it:", hint)
	}
}

// WriteJSON writes v as indented JSON to path atomically.
func WriteJSON(path string, v any) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}
