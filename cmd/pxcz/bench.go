package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/cmd/pxcz/internal/bench"
	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/internal/atomicfile"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
)

// benchArgs holds bench's flags.
var benchArgs struct {
	jobs, limit, maxErr, effort                        int
	split, against, model, format, output, plot, cache string
	timeout                                            time.Duration
	quiet, lossy                                       bool
}

func init() {
	register(&command{
		name: "bench",
		usage: "[flags] PATH...\n\n" +
			"Each PATH is a folder of images (sub-folders included), CIFAR-10 (its .tar.gz,\n" +
			"a folder of its batches, or one .bin batch), or an image file. Each folder or\n" +
			"CIFAR-10 path is a data set of the table; image files named one by one make\n" +
			"one data set per folder they are in.",
		short: "measure bits per sub-pixel and speed of pxcz and peer codecs on data sets",
		setup: func(fs *flag.FlagSet) {
			a := &benchArgs
			fs.IntVarP(&a.jobs, "jobs", "j", runtime.NumCPU(), "images worked on at once, each on one thread")
			fs.IntVar(&a.limit, "limit", 0, "benchmark the first N images of each data set (0: all)")
			fs.StringVar(&a.split, "split", "test", "CIFAR-10 split read from an archive or folder: test or train")
			fs.StringVar(&a.against, "against", "all", "peer codecs, comma-separated: "+strings.Join(bench.PeerIDs(), ", ")+"; or all, or none")
			fs.BoolVar(&a.lossy, "lossy", false, "a rate-distortion table of the lossy peers instead ("+strings.Join(bench.LossyPeerIDs, ", ")+" in --against, each at a sweep of qualities): per-image mean bpp, PSNR and MS-SSIM, and BD-rates against JPEG, beside pxcz --lossy at a sweep of qualities")
			fs.IntVarP(&a.effort, "effort", "e", 0, "pxcz's effort, as pxcz compress -e takes it (0: by image size)")
			fs.IntVar(&a.maxErr, "max-error", 0, "benchmark near-lossless coding: pxcz compress --max-error K, and webp in its near-lossless mode at the level nearest K, with each codec's largest error and PSNR (0: lossless)")
			fs.StringVar(&a.model, "model", "", "pxcz weights `FILE` (default: the built-in models, chosen by image size as compress does)")
			fs.StringVar(&a.format, "format", "text", "table format: "+strings.Join(bench.Formats, ", "))
			fs.StringVarP(&a.output, "output", "o", "-", "write the table to `FILE` (-: standard output)")
			fs.StringVar(&a.plot, "plot", "", "draw bits per sub-pixel against decode speed (with --lossy: PSNR and MS-SSIM against bits per pixel) into `FILE.svg`")
			fs.StringVar(&a.cache, "cache", "", "keep every per-image result in `DIR` and reuse it, so a stopped run resumes")
			fs.DurationVar(&a.timeout, "timeout", 10*time.Minute, "longest one peer command may run on one image")
			fs.BoolVarP(&a.quiet, "quiet", "q", false, "show no progress on standard error")
		},
		run: runBench,
		// Interrupted, it finishes the images in flight and removes its
		// scratch folder (cached results stay, so the run resumes).
		ownsSignals: true,
	})
}

func runBench(fs *flag.FlagSet, args []string) error {
	a := benchArgs
	jobs, limit, split, against, modelPath := a.jobs, a.limit, a.split, a.against, a.model
	format, outPath, plotPath, cacheDir := a.format, a.output, a.plot, a.cache
	timeout, quiet, lossy, maxErr, effort := a.timeout, a.quiet, a.lossy, a.maxErr, a.effort

	// Everything that can be wrong with the command line is caught before
	// a run that may take hours.
	if len(args) == 0 {
		return fmt.Errorf("no PATH given (run \"pxcz help bench\")")
	}
	if !slices.Contains(bench.Formats, format) {
		return fmt.Errorf("unknown --format %q, want one of %s", format, strings.Join(bench.Formats, ", "))
	}
	if jobs < 1 || limit < 0 {
		return fmt.Errorf("--jobs must be at least 1 and --limit not negative")
	}
	if maxErr < 0 || maxErr > codec.MaxMaxError {
		return fmt.Errorf("--max-error %d, want 0 (lossless) to %d", maxErr, codec.MaxMaxError)
	}
	if effort < 0 || effort > codec.MaxEffort {
		return fmt.Errorf("--effort %d, want %d to %d, or 0 for pxcz's default", effort, codec.MinEffort, codec.MaxEffort)
	}
	var m *model.Model // nil: the built-in model for each image's size
	var lossyModel *ae.Model
	var note string
	if modelPath != "" {
		var err error
		if m, lossyModel, err = loadWeights(modelPath); err != nil {
			return err
		}
		if (lossyModel != nil) != lossy {
			return fmt.Errorf("--model %s: a lossy model goes with --lossy, a lossless one without", modelPath)
		}
		if m != nil {
			note = fmt.Sprintf("pxcz model: %s (fingerprint %x)", m.Name(), m.Fingerprint())
		}
	} else {
		small, photo, high, err := model.Choices(maxErr)
		if err != nil {
			return err
		}
		note = fmt.Sprintf("pxcz models: built in, by image size: %s (fingerprint %x) under %d pixels, %s (fingerprint %x) from there",
			small.Name(), small.Fingerprint(), model.PhotoMinPixels, photo.Name(), photo.Fingerprint())
		if high != photo {
			note += fmt.Sprintf(", or at effort 2 and up (by default up to %d pixels) %s (fingerprint %x)", codec.SmallImagePixels, high.Name(), high.Fingerprint())
		}
	}
	if effort != 0 {
		note += fmt.Sprintf("; pxcz at effort %d (pxcz compress -e %d)", effort, effort)
	}
	if lossy && (maxErr > 0 || format != "text" && format != "markdown") {
		return fmt.Errorf("--lossy writes a text or markdown table, and does not take --max-error")
	}
	var peers []bench.Codec
	var notes []string
	var err error
	if lossy {
		peers, notes, err = bench.SelectLossyPeers(against, timeout)
	} else {
		peers, notes, err = bench.SelectPeers(against, timeout, maxErr)
	}
	if err != nil {
		return err
	}
	sets, err := bench.Open(args, bench.SourceOptions{Limit: limit, Split: split})
	if err != nil {
		return err
	}
	notes = append([]string{note}, notes...)
	for _, s := range sets {
		notes = append(notes, s.Notes...)
	}
	subject := bench.Pxcz(m, effort)
	if maxErr > 0 {
		subject = bench.PxczNearLossless(m, maxErr, effort)
	}
	codecs := append([]bench.Codec{subject}, peers...)
	if lossy {
		points, err := lossyPoints(lossyModel)
		if err != nil {
			return err
		}
		if len(points)+len(peers) == 0 {
			return fmt.Errorf("no lossy codec to run: %s", strings.Join(notes[1:], "; "))
		}
		codecs = append(points, peers...)
		notes[0] = lossyNote(lossyModel)
	}
	r := &bench.Runner{Codecs: codecs, Jobs: jobs}
	if cacheDir != "" {
		if r.Cache, err = bench.OpenCache(cacheDir); err != nil {
			return err
		}
	}

	stderr := os.Stderr
	var bar *bench.ProgressBar
	if !quiet {
		bar = bench.NewProgressBar(stderr, isTerminal(stderr))
		r.Progress = bar.Update
		for _, n := range notes[1:] {
			fmt.Fprintf(stderr, "pxcz bench: %s\n", n)
		}
	}
	// Failures are told as they happen, progress bar or not: a lossless
	// codec that loses a pixel is the news of the run.
	r.OnResult = func(res bench.Result) {
		if res.Failure == "" {
			return
		}
		if bar != nil {
			bar.Clear()
		}
		fmt.Fprintf(stderr, "pxcz bench: FAILED %s on %s (%s): %s\n", res.Codec, res.Image, res.Dataset, res.Failure)
	}
	// The first Ctrl-C lets the images in flight finish (pxcz's own round
	// trips cannot be cut short), then removes the scratch folder; a
	// second one, after stop, ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, func() {
		stop()
		fmt.Fprintln(stderr, "pxcz bench: interrupted; finishing the images in flight (Ctrl-C again to quit now)")
	})
	results, err := r.Run(ctx, sets)
	if bar != nil {
		bar.Finish()
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	if err != nil {
		return err
	}

	if lossy {
		sums := bench.Summarize(results)
		if err := writeBenchFile(outPath, func(w io.Writer) error { return bench.WriteRD(w, sums, format, jobs, notes) }); err != nil {
			return err
		}
		if plotPath != "" {
			return writeBenchFile(plotPath, func(w io.Writer) error { return bench.WriteRDPlot(w, sums) })
		}
		return nil
	}
	rep := &bench.Report{Summaries: bench.Summarize(results), Jobs: jobs, Notes: notes}
	if err := writeBenchFile(outPath, func(w io.Writer) error { return rep.Write(w, format) }); err != nil {
		return err
	}
	if plotPath != "" {
		if err := writeBenchFile(plotPath, func(w io.Writer) error { return bench.WritePlot(w, rep.Summaries) }); err != nil {
			return err
		}
	}
	failed := 0
	for _, res := range results {
		if res.Codec == bench.Subject && res.Failure != "" {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("pxcz failed the round trip on %d of %d images", failed, len(results)/len(r.Codecs))
	}
	return nil
}

// writeBenchFile writes a report through write to path, "-" being standard
// output; a file appears only once it is whole.
func writeBenchFile(path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(os.Stdout)
	}
	if err := atomicfile.Write(path, 0o644, write); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// lossyPoints are pxcz's operating points in a lossy benchmark: a sweep of
// qualities with the lossy model of --model, or with the built-in ones
// (none if there are none).
func lossyPoints(m *ae.Model) ([]bench.Codec, error) {
	if m == nil {
		if ms, err := ae.Models(); err != nil || len(ms) == 0 {
			return nil, err
		}
	}
	var cs []bench.Codec
	for _, q := range bench.PxczLossyQualities {
		cs = append(cs, bench.PxczLossy(m, q))
	}
	return cs, nil
}

// lossyNote names the lossy models a lossy benchmark runs.
func lossyNote(m *ae.Model) string {
	if m != nil {
		return fmt.Sprintf("pxcz lossy model: %s (fingerprint %x)", m.Name(), m.Fingerprint())
	}
	ms, _ := ae.Models()
	var names []string
	for _, m := range ms {
		names = append(names, fmt.Sprintf("%s (fingerprint %x)", m.Name(), m.Fingerprint()))
	}
	if len(names) == 0 {
		return "this pxcz has no built-in lossy model: the table holds the peers alone"
	}
	return "pxcz lossy models: " + strings.Join(names, "; ")
}
