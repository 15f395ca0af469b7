package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/internal/fileinfo"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
)

// transcoder is what compress and decompress each are: how one input
// becomes one output. transcode runs it over every input.
type transcoder struct {
	// what names the output data, for the message refusing to write it to
	// a terminal.
	what string
	// exts are the file name extensions that -r picks from folders, lower
	// case.
	exts []string
	// outName is an input's default output (name.png -> name.pxcz).
	outName func(in string) string
	// one reads a whole input from r and writes the output to w, and
	// returns the number of sub-pixels of the image, for the summary.
	// name is what its messages call the input, out the output's path
	// (- for stdout).
	one func(r io.Reader, w io.Writer, name, out string, opts *codec.Options) (subpixels int64, err error)
	// packedOut is set when the output is the .pxcz file (compress), so
	// that the summary's bits per sub-pixel are of the output.
	packedOut bool
}

// transcodeArgs holds the flags compress and decompress share.
var transcodeArgs struct {
	output, model                           string
	force, recursive, strip, quiet, verbose bool
	workers                                 int
}

// addTranscodeFlags defines the flags compress and decompress share;
// modelHelp says what --model does for the command, stripHelp what
// --strip does.
func addTranscodeFlags(fs *flag.FlagSet, modelHelp, stripHelp string) {
	a := &transcodeArgs
	fs.StringVarP(&a.output, "output", "o", "", "write to `OUT`: a file (- for stdout) for one input, else a directory")
	fs.BoolVarP(&a.force, "force", "f", false, "overwrite outputs that exist")
	fs.BoolVarP(&a.recursive, "recursive", "r", false, "also take the images in the folders given, and in their subfolders")
	fs.BoolVar(&a.strip, "strip", false, stripHelp)
	fs.StringVar(&a.model, "model", "", modelHelp)
	fs.IntVarP(&a.workers, "workers", "j", 0, "use `N` threads in all (0: one per core)")
	fs.BoolVarP(&a.quiet, "quiet", "q", false, "print only errors (no warnings, no summary)")
	fs.BoolVarP(&a.verbose, "verbose", "v", false, "print a line for each file")
}

// transcodeLong is the help that compress and decompress share.
const transcodeLong = "With several inputs, or -r, OUT is a directory (made if need be), as\n" +
	"it is when it names an existing one or ends in /, and\n" +
	"each output goes there under its default name (below the folder given\n" +
	"to -r, at its place in the subfolders). Files are coded in parallel,\n" +
	"-j threads in all; a file that fails is named, the others are still\n" +
	"done, and the exit status is 1. A summary line on stderr gives the\n" +
	"files, bytes in and out, bits per sub-pixel of the .pxcz files and\n" +
	"the time taken."

// job is one input and the output it becomes, or why it cannot be done.
type job struct {
	in, out string
	mkdir   bool // make out's directory: it is below -o DIR
	err     error
}

// fileStats is what the summary adds up.
type fileStats struct {
	in, out, subpixels int64
}

// transcode runs t on the inputs named in args, with the flags in
// transcodeArgs; fs names the command.
func transcode(fs *flag.FlagSet, args []string, t *transcoder) error {
	if len(args) == 0 {
		return fmt.Errorf("want input files (see \"pxcz help %s\")", fs.Name())
	}
	a := transcodeArgs
	outPath, force, recursive, modelPath := a.output, a.force, a.recursive, a.model
	workers, quiet, verbose := a.workers, a.quiet, a.verbose
	if workers < 0 {
		return fmt.Errorf("-j %d: want 0 or more workers", workers)
	}
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	many := len(args) > 1 || recursive
	if many && slices.Contains(args, "-") {
		return errors.New("- (stdin) must be the only input")
	}
	if many && outPath == "-" {
		return errors.New("-o - (stdout) takes one input")
	}
	toDir := outPath != "" && (many || strings.HasSuffix(outPath, string(filepath.Separator)) || isDir(outPath))
	if toDir && many {
		if err := os.MkdirAll(outPath, 0o755); err != nil {
			return err
		}
	}
	var (
		weights *model.Model
		lossy   *ae.Model
	)
	if modelPath != "" {
		var err error
		if weights, lossy, err = loadWeights(modelPath); err != nil {
			return fmt.Errorf("--model: %w", err)
		}
	}
	jobs := t.jobs(args, outPath, toDir, recursive)
	if len(jobs) == 0 {
		return fmt.Errorf("no %s files in %s", strings.Join(t.exts, ", "), strings.Join(args, ", "))
	}

	// Files run in parallel, and the threads left over go to each file,
	// so that one large image still uses every core.
	par := min(len(jobs), workers)
	opts := codec.Options{Model: weights, LossyModel: lossy, Workers: max(1, workers/par)}
	var (
		mu     sync.Mutex
		total  fileStats
		failed []error
		next   = make(chan job)
		wg     sync.WaitGroup
	)
	start := time.Now()
	for range par {
		wg.Go(func() {
			for j := range next {
				st, err := t.file(j, force, opts, len(jobs) == 1)
				mu.Lock()
				if err != nil {
					failed = append(failed, err)
					if len(jobs) > 1 {
						fmt.Fprintf(std.err, "pxcz %s: %v\n", fs.Name(), err)
					}
				} else {
					total.in, total.out, total.subpixels = total.in+st.in, total.out+st.out, total.subpixels+st.subpixels
					if verbose {
						fmt.Fprintf(std.err, "%s -> %s: %d -> %d bytes, %.4f bits/sub-pixel\n", j.in, j.out, st.in, st.out, t.bits(st))
					}
				}
				mu.Unlock()
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()

	if !quiet && (len(jobs) > 1 || len(failed) == 0) {
		done := len(jobs) - len(failed)
		fmt.Fprintf(std.err, "pxcz %s: %s, %d bytes in, %d bytes out, %.4f bits/sub-pixel, %.2f s",
			fs.Name(), fileinfo.Plural(done, "file"), total.in, total.out, t.bits(total), time.Since(start).Seconds())
		if len(failed) > 0 {
			fmt.Fprintf(std.err, "; %d failed", len(failed))
		}
		fmt.Fprintln(std.err)
	}
	switch {
	case len(failed) == 1 && len(jobs) == 1:
		return failed[0]
	case len(failed) > 0:
		return fmt.Errorf("%d of %s failed", len(failed), fileinfo.Plural(len(jobs), "file"))
	}
	return nil
}

// bits is the bits per sub-pixel of the .pxcz files among st.
func (t *transcoder) bits(st fileStats) float64 {
	packed := st.in
	if t.packedOut {
		packed = st.out
	}
	if st.subpixels == 0 {
		return 0
	}
	return float64(packed) * 8 / float64(st.subpixels)
}

// jobs lists the inputs named in args (with -r, the files in folders
// whose names end in one of t.exts) with their outputs: outPath itself,
// or its default name in outPath when toDir, or next to the input.
func (t *transcoder) jobs(args []string, outPath string, toDir, recursive bool) []job {
	var jobs []job
	add := func(in, root string) {
		j := job{in: in, out: t.outName(in), mkdir: toDir}
		switch {
		case toDir && root == "":
			j.out = filepath.Join(outPath, filepath.Base(j.out))
		case toDir:
			rel, err := filepath.Rel(root, j.out)
			if err != nil {
				j.err = err
			}
			j.out = filepath.Join(outPath, rel)
		case outPath != "":
			j.out = outPath
		}
		jobs = append(jobs, j)
	}
	for _, a := range args {
		if a == "-" || !isDir(a) {
			add(a, "")
			continue
		}
		if !recursive {
			jobs = append(jobs, job{in: a, err: fmt.Errorf("%s is a directory (use -r to take the files in it)", a)})
			continue
		}
		err := filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				jobs = append(jobs, job{in: path, err: err})
				return nil
			}
			if d.Type().IsRegular() && slices.Contains(t.exts, strings.ToLower(filepath.Ext(path))) {
				add(path, a)
			}
			return nil
		})
		if err != nil {
			jobs = append(jobs, job{in: a, err: err})
		}
	}
	// Two inputs with the same output (a.png and a.jpg): the second fails
	// rather than race the first.
	first := map[string]string{}
	for i := range jobs {
		j := &jobs[i]
		if j.err != nil || j.out == "-" {
			continue
		}
		if prev, ok := first[filepath.Clean(j.out)]; ok {
			j.err = fmt.Errorf("%s: its output %s is also that of %s", j.in, j.out, prev)
			continue
		}
		first[filepath.Clean(j.out)] = j.in
	}
	return jobs
}

// file codes one input into one output: the output is checked before, and
// appears only after, the work succeeds. bar asks for a progress bar.
func (t *transcoder) file(j job, force bool, opts codec.Options, bar bool) (fileStats, error) {
	if j.err != nil {
		return fileStats{}, j.err
	}
	r, name, err := openInput(j.in)
	if err != nil {
		return fileStats{}, err
	}
	defer r.Close()
	if j.mkdir {
		if err := os.MkdirAll(filepath.Dir(j.out), 0o755); err != nil {
			return fileStats{}, err
		}
	}
	out, err := createOutput(j.out, force, t.what)
	if err != nil {
		return fileStats{}, err
	}
	defer out.abort()
	var p *progress
	if bar {
		p = newProgress(std.err, name)
		opts.Progress = p.update
	}
	in, w := &counter{r: r}, &counter{w: out}
	sub, err := t.one(in, w, name, j.out, &opts)
	p.finish()
	if err != nil {
		return fileStats{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := out.commit(); err != nil {
		return fileStats{}, err
	}
	return fileStats{in: in.n, out: w.n, subpixels: sub}, nil
}

// counter counts the bytes read through r or written through w.
type counter struct {
	r io.Reader
	w io.Writer
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// isDir reports whether path names a directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// loadWeights reads a weights file: a lossless model (package model) or,
// when it opens like one, a lossy model (package model/ae).
func loadWeights(path string) (*model.Model, *ae.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	magic := make([]byte, 4)
	_, err = io.ReadFull(f, magic)
	f.Close()
	if err == nil && string(magic) == ae.FileMagic {
		m, err := ae.LoadFile(path)
		return nil, m, err
	}
	m, err := model.LoadFile(path)
	return m, nil, err
}
