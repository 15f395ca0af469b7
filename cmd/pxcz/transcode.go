package main

import (
	"fmt"
	"io"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/model"
)

// addTranscodeFlags defines the flags compress and decompress share;
// modelHelp says what --model does for the command.
func addTranscodeFlags(fs *flag.FlagSet, modelHelp string) {
	fs.StringP("output", "o", "", "write to `OUT` (- for stdout)")
	fs.BoolP("force", "f", false, "overwrite OUT if it exists")
	fs.String("model", "", modelHelp)
	fs.IntP("workers", "j", 0, "use `N` threads (0: one per core)")
}

// transcode is the part of compress and decompress that is the same: read
// the one input named in args, have work turn it into the output, and show
// progress while it does. OUT is the -o flag, else defaultOut(IN); what
// names its data for the message refusing to write it to a terminal. The
// output is checked before, and appears only after, work succeeds.
func transcode(fs *flag.FlagSet, args []string, defaultOut func(in string) string, what string,
	work func(r io.Reader, w io.Writer, opts *codec.Options) error) error {
	if len(args) != 1 {
		return fmt.Errorf("want one input file, got %d arguments (see \"pxcz help %s\")", len(args), fs.Name())
	}
	// The flags are defined by addTranscodeFlags, so the lookups cannot fail.
	outPath := outputName(fs, args, defaultOut)
	force, _ := fs.GetBool("force")
	modelPath, _ := fs.GetString("model")
	workers, _ := fs.GetInt("workers")
	if workers < 0 {
		return fmt.Errorf("-j %d: want 0 or more workers", workers)
	}

	r, name, err := openInput(args[0])
	if err != nil {
		return err
	}
	defer r.Close()
	out, err := createOutput(outPath, force, what)
	if err != nil {
		return err
	}
	defer out.abort()
	opts := &codec.Options{Workers: workers}
	if modelPath != "" {
		if opts.Model, err = model.LoadFile(modelPath); err != nil {
			return fmt.Errorf("--model: %w", err)
		}
	}

	bar := newProgress(std.err, name)
	opts.Progress = bar.update
	err = work(r, out, opts)
	bar.finish()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return out.commit()
}

// outputName is where transcode writes: the -o flag, else defaultOut of
// the one input in args.
func outputName(fs *flag.FlagSet, args []string, defaultOut func(in string) string) string {
	out, _ := fs.GetString("output") // defined by addTranscodeFlags
	if out == "" {
		out = defaultOut(args[0])
	}
	return out
}
