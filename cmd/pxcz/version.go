package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
)

func init() {
	register(&command{
		name:  "version",
		usage: "",
		short: "print the build, the built-in models and the format versions (also --version)",
		run: func(_ *flag.FlagSet, args []string) error {
			if len(args) != 0 {
				return fmt.Errorf("want no arguments, got %d", len(args))
			}
			return printVersion(std.out)
		},
	})
}

// printVersion describes this pxcz: its build (module version, VCS
// revision, Go version), the format versions it reads and writes, and its
// built-in models by number and fingerprint.
func printVersion(w io.Writer) error {
	version, revision := "(unknown)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = " " + s.Value
			case "vcs.modified":
				if s.Value == "true" {
					revision += " (modified)"
				}
			}
		}
	}
	fmt.Fprintf(w, "pxcz %s%s, %s %s/%s\n", version, revision, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "format: writes version %d, reads versions 1 to %d\n", container.Version, container.Version)
	ms, err := model.Builtin()
	if err != nil {
		return err
	}
	def, photo, mix, err := model.Choices(0)
	if err != nil {
		return err
	}
	cond, err := model.Conditional()
	if err != nil {
		return err
	}
	near, err := model.NearLossless()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "built-in models (default: images under %d pixels, photo: the others, photo-e2: those at -e 2 and up, near: those under %d pixels with --max-error, class: --class; retired: decode older files):\n", model.PhotoMinPixels, model.PhotoMinPixels)
	for _, m := range ms {
		role := "retired"
		switch m {
		case def:
			role = "default"
		case photo:
			role = "photo"
		case cond:
			role = "class"
		case near:
			role = "near"
		case mix:
			role = "photo-e2"
		}
		_, err = fmt.Fprintf(w, "  %3d  %x  %-8s %s\n", m.Number(), m.Fingerprint(), role, m.Name())
		if err != nil {
			return err
		}
	}
	lossy, err := ae.Builtin()
	if err != nil || len(lossy) == 0 {
		return err
	}
	coding, err := ae.Models()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "built-in lossy models (compress --lossy; numbered apart from the others; retired: decode older files):\n")
	for _, m := range lossy {
		role, steps := "retired", fmt.Sprintf("%d steps", len(m.Steps()))
		if slices.Contains(coding, m) {
			ks := m.CodingSteps()
			role = "lossy"
			steps = fmt.Sprintf("%d steps, codes at %.2gx-%.2gx", len(m.Steps()),
				float64(m.Steps()[ks[0]])/1024, float64(m.Steps()[ks[len(ks)-1]])/1024)
		}
		if _, err := fmt.Fprintf(w, "  %3d  %x  %-8s %s  %s\n", m.Number(), m.Fingerprint(), role, steps, m.Name()); err != nil {
			return err
		}
	}
	return nil
}
