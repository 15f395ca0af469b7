package main

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

var evalArgs struct {
	model, checkpoint string
	limit, workers    int
	classify          bool
}

func init() {
	register(&command{
		name:  "eval",
		usage: "[--model FILE] [--checkpoint CKPT] [--limit N] [--classify] DATA",
		short: "bits/dim of a CIFAR-10 batch or archive under a model (NLL, no files)",
		long: `DATA is a CIFAR-10 .tar.gz (its test split), folder or .bin batch file.
Reports the integer model's NLL: the bits its frequency tables alone give
the images. Real files mix those tables with the codec's predictors, and
usually cost less (pxcz bench measures them). With --checkpoint, also the
float NLL of the checkpoint's weights on the same images.

With --classify, a class-conditional model (default: the built-in one)
scores every image under each of its classes and reports how often the
most likely class is the image's label ("accuracy"), the NLL given the
label, and the NLL of the mixture of the classes, -log2 Σ_c p(x|c)/C.
--checkpoint then scores with the float weights, and --model besides
with the integer ones.`,
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&evalArgs.model, "model", "", "model file (default: the built-in CIFAR-10 model)")
			fs.StringVar(&evalArgs.checkpoint, "checkpoint", "", "also report the float NLL of this training checkpoint")
			fs.IntVar(&evalArgs.limit, "limit", 0, "use only the first N images (0: all)")
			fs.IntVarP(&evalArgs.workers, "jobs", "j", 0, "images evaluated at once (default: all cores)")
			fs.BoolVar(&evalArgs.classify, "classify", false, "classify the images by likelihood with a class-conditional model")
		},
		run: runEval,
	})
}

func runEval(fs *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want one data set, got %d arguments", len(args))
	}
	set, err := corpus.LoadCIFAR(args[0], "test")
	if err != nil {
		return err
	}
	if evalArgs.limit > 0 && evalArgs.limit < set.Len() {
		set.Pix = set.Pix[:evalArgs.limit*set.ImageSize()]
		if set.Labels != nil {
			set.Labels = set.Labels[:evalArgs.limit]
		}
	}
	if evalArgs.classify {
		return runClassify(set)
	}
	m, err := loadModel(evalArgs.model)
	if err != nil {
		return err
	}
	n := set.Len()
	// A class-conditional model is measured given each image's label.
	conditional := m.Config().Cond > 0
	if conditional && set.Labels == nil {
		return fmt.Errorf("model %q is class-conditional, and %s has no labels", m.Name(), args[0])
	}
	bits := make([]float64, n)
	err = forEach(n, func(i int) error {
		var cond []int16
		if conditional {
			var err error
			if cond, err = m.OneHot(int(set.Labels[i])); err != nil {
				return err
			}
		}
		var err error
		bits[i], err = m.Bits(set.Image(i), set.W, set.H, cond)
		return err
	})
	if err != nil {
		return err
	}
	var total float64
	for _, b := range bits {
		total += b
	}
	dims := float64(n * set.W * set.H * set.C)
	fmt.Fprintf(std.out, "%d images, model %q (%s, %x)\n", n, m.Name(), m.Config(), m.Fingerprint())
	given := ""
	if conditional {
		given = " given the label"
	}
	fmt.Fprintf(std.out, "quantized NLL: %.4f bits/dim%s\n", total/dims, given)
	if evalArgs.checkpoint == "" {
		return nil
	}
	ck, err := train.LoadCheckpoint(evalArgs.checkpoint)
	if err != nil {
		return err
	}
	net, err := train.NewNet(ck.Weights())
	if err != nil {
		return err
	}
	var nats float64
	const batch = 50
	d := ck.Params.Config.Cond
	var onehot []float32
	for i := 0; i < n; i += batch {
		b := min(batch, n-i)
		if d > 0 {
			onehot = make([]float32, b*d)
			if err := train.OneHot(onehot, set.Labels[i:i+b], d); err != nil {
				return err
			}
			net.SetCond(onehot)
		}
		l, err := net.Loss(set.Pix[i*set.ImageSize():(i+b)*set.ImageSize()], b, set.H, set.W)
		if err != nil {
			return err
		}
		nats += l * float64(b)
	}
	fmt.Fprintf(std.out, "float NLL:     %.4f bits/dim%s (checkpoint step %d)\n", nats/float64(n)/math.Ln2, given, ck.Step)
	return nil
}

// forEach runs fn for every image index below n on evalArgs' workers,
// reporting progress every 500 images, and returns the first error.
func forEach(n int, fn func(i int) error) error {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for range workerCount(evalArgs.workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
				if d := done.Add(1); d%500 == 0 {
					fmt.Fprintf(std.err, "  %d/%d images\n", d, n)
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// loadModel loads a weights file, or the built-in CIFAR-10 model for "".
func loadModel(path string) (*model.Model, error) {
	if path == "" {
		return model.Default()
	}
	return model.LoadFile(path)
}

// workerCount is n, or every core for n <= 0.
func workerCount(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}
