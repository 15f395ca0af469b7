package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/pxcz/pxcz/quality"
)

// Result is one codec's round trip of one image.
type Result struct {
	Dataset, Image, Codec string
	// Pixels is W*H; SubPixels is W*H*C, what bits per sub-pixel divide by.
	Pixels, SubPixels int64
	// Bytes is the whole compressed file's size.
	Bytes          int64
	Encode, Decode time.Duration
	// MaxError and SqError are a near-lossless codec's largest difference
	// of a sub-pixel and its summed squared differences (zero for the
	// others, which must give the pixels back exactly).
	NearLossless bool  `json:",omitempty"`
	MaxError     int   `json:",omitempty"`
	SqError      int64 `json:",omitempty"`
	// A lossy codec's (one promising no bound) PSNR and MS-SSIM of this
	// image (MSSSIM 0 where the image is too small for it), and the
	// family of operating points it belongs to.
	PSNR   float64 `json:",omitempty"`
	MSSSIM float64 `json:",omitempty"`
	Family string  `json:",omitempty"`
	// Failure says why the round trip failed: the codec reported an error,
	// its decoded pixels differ from the original, or a near-lossless
	// codec broke its bound. Empty on success.
	Failure string
	// Cached is set when the result was read from the cache.
	Cached bool
}

// Runner round-trips every image of some data sets through every codec.
type Runner struct {
	Codecs []Codec
	// Jobs is how many images are worked on at once; each image goes
	// through the codecs one after another. 0 means runtime.NumCPU().
	Jobs int
	// Cache, if set, is consulted before and filled after every round trip.
	Cache *Cache
	// TempDir holds the per-image scratch folders; "" means os.TempDir().
	TempDir string
	// OnResult, if set, is called with every result as it becomes known,
	// one call at a time.
	OnResult func(Result)
	// Progress, if set, is called after every image, one call at a time.
	Progress func(Progress)
}

// Progress is how far a run has come.
type Progress struct {
	Images, TotalImages int
	// Pixels weigh images by size, which is what their time goes by.
	Pixels, TotalPixels int64
}

// Run measures every codec on every image and returns the results grouped
// by data set, then image, then codec, in the order given. A codec failing
// on an image is a Result with a Failure, not an error; Run fails only when
// an image cannot be read, the cache cannot be written, or ctx ends.
func (r *Runner) Run(ctx context.Context, sets []*Dataset) ([]Result, error) {
	type job struct {
		set  *Dataset
		item Item
		slot int // index of the job's first result
	}
	var jobs []job
	var total int64
	nc := len(r.Codecs)
	for _, s := range sets {
		for _, it := range s.Items {
			jobs = append(jobs, job{s, it, len(jobs) * nc})
			total += it.Pixels
		}
	}
	// Largest images first, so that no core is left alone with a big
	// photograph at the end while the others idle.
	slices.SortStableFunc(jobs, func(a, b job) int { return cmp.Compare(b.item.Pixels, a.item.Pixels) })

	results := make([]Result, len(jobs)*nc)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan job)
	var mu sync.Mutex // serializes OnResult, Progress and prog
	prog := Progress{TotalImages: len(jobs), TotalPixels: total}
	var wg sync.WaitGroup
	for range cmp.Or(r.Jobs, runtime.NumCPU()) {
		wg.Go(func() {
			for j := range next {
				err := r.image(ctx, j.set, j.item, results[j.slot:j.slot+nc], func(res Result) {
					if r.OnResult != nil {
						mu.Lock()
						r.OnResult(res)
						mu.Unlock()
					}
				})
				if err != nil {
					cancel(err)
					continue
				}
				mu.Lock()
				prog.Images++
				prog.Pixels += j.item.Pixels
				if r.Progress != nil {
					r.Progress(prog)
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return results, nil
}

// image round-trips one image through every codec into out.
func (r *Runner) image(ctx context.Context, set *Dataset, item Item, out []Result, report func(Result)) error {
	px, err := item.Load()
	if err != nil {
		return fmt.Errorf("%s: %w", item.Name, err)
	}
	dir, err := os.MkdirTemp(r.TempDir, "pxcz-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in := &Input{Pixels: px, Dir: dir}
	digest := px.Digest()
	for i, c := range r.Codecs {
		key := c.Key()
		res, ok := Result{}, false
		if r.Cache != nil {
			res, ok = r.Cache.Get(digest, key)
		}
		if !ok {
			var keep bool
			if res, keep, err = roundTrip(ctx, c, in); err != nil {
				return err
			}
			if r.Cache != nil && keep {
				if err := r.Cache.Put(digest, key, res); err != nil {
					return err
				}
			}
		}
		res.Dataset, res.Image, res.Codec = set.Name, item.Name, c.Name()
		res.Pixels, res.SubPixels = px.Pixels(), px.SubPixels()
		out[i] = res
		report(res)
	}
	return nil
}

// lossyQuality is the PSNR and MS-SSIM (0 for an image too small for it)
// of a lossy codec's decoded pixels against the original's.
func lossyQuality(orig, dec *Pixels) (psnr, msssim float64, err error) {
	a, b := orig.Image(), dec.Image()
	if psnr, err = quality.PSNR(a, b); err != nil {
		return 0, 0, err
	}
	msssim, err = quality.MSSSIM(a, b)
	if errors.Is(err, quality.ErrTooSmall) {
		return psnr, 0, nil
	}
	return psnr, msssim, err
}

// roundTrip runs one codec on one image and checks the pixels it gives
// back. The codec's own failures are in the Result; keep says whether the
// outcome is worth caching, which a timeout, that a rerun may not hit, is
// not. The error is for ctx ending.
func roundTrip(ctx context.Context, c Codec, in *Input) (res Result, keep bool, err error) {
	trip, err := c.RoundTrip(ctx, in)
	if ctx.Err() != nil {
		return Result{}, false, ctx.Err()
	}
	res = Result{Bytes: trip.Bytes, Encode: trip.Encode, Decode: trip.Decode}
	nl, near := c.(NearLossless)
	if f, ok := c.(interface{ Family() string }); ok {
		res.Family = f.Family()
	}
	if err == nil {
		if near {
			res.NearLossless = true
			res.MaxError, res.SqError, err = in.Pixels.Distortion(trip.Decoded)
			if bound := nl.MaxError(); err == nil && bound >= 0 && res.MaxError > bound {
				err = fmt.Errorf("a sub-pixel decoded %d away from the original's, beyond the bound %d", res.MaxError, bound)
			}
			if err == nil && nl.MaxError() < 0 {
				res.PSNR, res.MSSSIM, err = lossyQuality(in.Pixels, trip.Decoded)
			}
		} else if err = in.Pixels.Match(trip.Decoded); err != nil {
			err = fmt.Errorf("round trip changed the pixels: %w", err)
		}
	}
	if err != nil {
		var u uncached
		return Result{Failure: err.Error()}, !errors.As(err, &u), nil
	}
	return res, true, nil
}
