package train

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
)

// smoothSet is n labelled w×h RGB images of noisy horizontal ramps, whose
// narrow value distribution a tiny model learns within a hundred steps.
func smoothSet(n, w, h int, seed int64) *corpus.Set {
	rng := rand.New(rand.NewSource(seed))
	s := &corpus.Set{W: w, H: h, C: 3, Pix: make([]uint8, n*w*h*3), Labels: make([]uint8, n)}
	for i := range n {
		s.Labels[i] = uint8(i % 10)
		for y := range h {
			for x := range w {
				for c := range 3 {
					s.Pix[((i*h+y)*w+x)*3+c] = uint8(96 + 4*x + 16*c + rng.Intn(8))
				}
			}
		}
	}
	return s
}

// tinyOptions trains a tiny model on synthetic data without touching disk
// except for the checkpoint.
func tinyOptions(t *testing.T, steps int64) Options {
	o := DefaultOptions()
	o.Config = model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}
	o.Train, o.Test = smoothSet(40, 6, 5, 1), smoothSet(8, 6, 5, 2)
	o.Batch, o.Steps, o.Warmup, o.LR = 4, steps, 2, 1e-2
	o.EvalEvery, o.EvalImages = 4, 8
	o.Checkpoint = filepath.Join(t.TempDir(), "run.ckpt")
	return o
}

func runOK(t *testing.T, ctx context.Context, o Options) *Checkpoint {
	t.Helper()
	if err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCheckpoint(o.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRunLearns(t *testing.T) {
	for _, mix := range []int{0, 3} {
		o := tinyOptions(t, 150)
		o.Config.Mix = mix
		t.Run(o.Config.String(), func(t *testing.T) { testRunLearns(t, o) })
	}
}

func testRunLearns(t *testing.T, o Options) {
	var log bytes.Buffer
	o.Log = &log
	c := runOK(t, context.Background(), o)
	if c.Step != 150 {
		t.Errorf("checkpoint at step %d, want 150", c.Step)
	}
	// A flat prediction costs 8 bits per sub-pixel.
	if bpd := setLoss(t, c.Params, o.Test) / math.Ln2; bpd > 6 || c.TrainEMA > 6.5 {
		t.Errorf("after 150 steps: test loss %.3f bits/dim (want < 6), training EMA %.3f (want < 6.5)", bpd, c.TrainEMA)
	}
	for _, want := range []string{"step 150/150", "steps/s", "img/s", "ETA", "train ", "test "} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("progress log lacks %q:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), "test - bpd") {
		t.Errorf("the final progress line has no test loss:\n%s", log.String())
	}
}

func TestRunVariants(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Options)
	}{
		{"conditional", func(o *Options) { o.Config.Cond = 10 }},
		{"mixture", func(o *Options) { o.Config.Mix = 2 }},
		{"mixture, fake quantization", func(o *Options) { o.Config.Mix, o.FakeQuant = 2, true }},
		{"fake quantization", func(o *Options) { o.FakeQuant = true }},
		{"weight decay, no clipping", func(o *Options) { o.WeightDecay, o.Clip = 0.01, 0 }},
		{"weight average", func(o *Options) { o.EMA = 0.9 }},
		{"near-lossless noise", func(o *Options) { o.Noise = 2 }},
		{"near-lossless noise, mixture", func(o *Options) { o.Config.Mix, o.Noise = 2, 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tinyOptions(t, 40)
			tc.change(&o)
			c := runOK(t, context.Background(), o)
			if c.Step != 40 || c.Options.Config != o.Config || c.TrainEMA > 7.7 {
				t.Errorf("run ended at step %d, %v, training loss %.3f bits/dim", c.Step, c.Options.Config, c.TrainEMA)
			}
		})
	}
}

// cancelAt is a progress log that cancels a context once a line reports the
// given step.
type cancelAt struct {
	mu     sync.Mutex
	prefix string
	cancel context.CancelFunc
}

func (c *cancelAt) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if strings.HasPrefix(string(p), c.prefix) {
		c.cancel()
	}
	return len(p), nil
}

// TestRunResume checks that a run stopped by a step limit or by
// cancellation and then resumed ends bit for bit where an uninterrupted run
// does.
func TestRunResume(t *testing.T) {
	for _, ema := range []float64{0, 0.9} {
		t.Run(fmt.Sprintf("EMA %g", ema), func(t *testing.T) {
			testRunResume(t, func(steps int64) Options {
				o := tinyOptions(t, steps)
				o.EMA = ema
				return o
			})
		})
	}
}

func testRunResume(t *testing.T, tinyOptions func(int64) Options) {
	straight := runOK(t, context.Background(), tinyOptions(8))

	limited := tinyOptions(3)
	runOK(t, context.Background(), limited)
	limited.Steps, limited.Resume = 8, true
	checkSameRun(t, "step limit", runOK(t, context.Background(), limited), straight)

	interrupted := tinyOptions(8)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupted.ProgressEvery = 1 // a line after every step
	interrupted.Log = &cancelAt{prefix: "step 5/", cancel: cancel}
	if c := runOK(t, ctx, interrupted); c.Step != 5 {
		t.Fatalf("cancelled run saved step %d, want 5", c.Step)
	}
	interrupted.Resume, interrupted.Log = true, nil
	checkSameRun(t, "cancellation", runOK(t, context.Background(), interrupted), straight)
}

// setLoss is p's float loss on set, in nats per sub-pixel.
func setLoss(t *testing.T, p *model.Params, set *corpus.Set) float64 {
	t.Helper()
	net, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	nats, err := net.Loss(set.Pix, set.Len(), set.H, set.W)
	if err != nil {
		t.Fatal(err)
	}
	return nats
}

// fromFirst trains a tiny model for 8 steps and returns its checkpoint and
// the options of a run of steps that starts from it (Options.Init).
func fromFirst(t *testing.T, steps int64) (*Checkpoint, Options) {
	t.Helper()
	first := runOK(t, context.Background(), tinyOptions(t, 8))
	o := tinyOptions(t, steps)
	o.Init = filepath.Join(t.TempDir(), "first.ckpt")
	if err := WriteCheckpoint(o.Init, first); err != nil {
		t.Fatal(err)
	}
	return first, o
}

// TestRunInit checks that a run started from another's weights takes
// their architecture and starts where they were, with its own step count.
func TestRunInit(t *testing.T) {
	first, o := fromFirst(t, 1)
	o.Config.Features = 9 // the checkpoint's architecture wins
	o.Warmup = 1000       // a tiny first step
	tuned := runOK(t, context.Background(), o)
	if tuned.Step != 1 || tuned.Params.Config != first.Params.Config {
		t.Fatalf("fine-tuning run saved step %d of %v, want step 1 of %v", tuned.Step, tuned.Params.Config, first.Params.Config)
	}
	fresh := runOK(t, context.Background(), tinyOptions(t, 1))
	dist := func(a, b *model.Params) (d float64) {
		bt := b.Tensors()
		for i, ta := range a.Tensors() {
			for j, v := range ta {
				d += math.Abs(float64(v - bt[i][j]))
			}
		}
		return d
	}
	if d, far := dist(tuned.Params, first.Params), dist(fresh.Params, first.Params); d > far/10 {
		t.Errorf("after one step, the fine-tuned weights are %.3g from their start, a fresh run's %.3g", d, far)
	}
}

// TestRunCondOnly: a conditional model started from an unconditional
// checkpoint begins with zero conditioning weights, and --cond-only moves
// those alone.
func TestRunCondOnly(t *testing.T) {
	first, o := fromFirst(t, 6)
	o.Config.Cond, o.CondOnly = 10, true
	tuned := runOK(t, context.Background(), o)
	if tuned.Params.Config.Cond != 10 {
		t.Fatalf("conditioning length %d, want 10", tuned.Params.Config.Cond)
	}
	moved := 0.0
	for l, lp := range tuned.Params.Layers {
		was := first.Params.Layers[l]
		for _, pair := range [][2][]float32{{lp.VW, was.VW}, {lp.VB, was.VB}, {lp.HW, was.HW}, {lp.HV, was.HV}, {lp.HB, was.HB}, {lp.RW, was.RW}, {lp.RB, was.RB}} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Fatalf("layer %d: a weight that is not conditioning changed", l)
			}
		}
		for _, v := range append(append([]float32(nil), lp.VC...), lp.HC...) {
			moved += math.Abs(float64(v))
		}
	}
	if !reflect.DeepEqual(tuned.Params.Head, first.Params.Head) {
		t.Error("the head changed")
	}
	if moved == 0 {
		t.Error("the conditioning weights did not move")
	}
}

// TestRunInitMix checks that a mixture run can start from a free-logit
// checkpoint (model.Params.WithMix).
func TestRunInitMix(t *testing.T) {
	first, o := fromFirst(t, 1)
	o.Config.Mix = 4
	mixed := runOK(t, context.Background(), o)
	want := first.Params.Config
	want.Mix = 4
	if mixed.Step != 1 || mixed.Params.Config != want {
		t.Fatalf("saved step %d of %v, want step 1 of %v", mixed.Step, mixed.Params.Config, want)
	}
	// The fresh head predicts close to flat, whatever the trunk gives it.
	start, err := first.Params.WithMix(4)
	if err != nil {
		t.Fatal(err)
	}
	if bpd := setLoss(t, start, o.Test) / math.Ln2; bpd < 7 || bpd > 8.5 {
		t.Errorf("a fresh mixture head costs %.3f bits/dim, want about 8", bpd)
	}
}

// TestRunInitGrow checks that a run can deepen the model it starts from
// (model.Params.Deepen), and that the deeper model starts out computing
// exactly what the checkpoint's did.
func TestRunInitGrow(t *testing.T) {
	first, o := fromFirst(t, 2)
	o.Grow = 2
	grown := runOK(t, context.Background(), o)
	want := first.Params.Config
	want.Layers += 2
	if grown.Params.Config != want {
		t.Fatalf("saved %v, want %v", grown.Params.Config, want)
	}
	start, err := first.Params.Deepen(2, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := setLoss(t, start, o.Test), setLoss(t, first.Params, o.Test); a != b {
		t.Errorf("the deepened model's loss is %v, the checkpoint's %v", a, b)
	}
	if _, err := first.Params.Deepen(0, nil); err == nil {
		t.Error("deepening by 0 layers gave no error")
	}
	o.Init, o.Checkpoint = "", filepath.Join(t.TempDir(), "bad.ckpt")
	if err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "--init") {
		t.Errorf("growing without initial weights: %v, want an error naming --init", err)
	}
}

func checkSameRun(t *testing.T, how string, got, want *Checkpoint) {
	t.Helper()
	if got.Step != want.Step || !reflect.DeepEqual(got.Params, want.Params) || !reflect.DeepEqual(got.Adam, want.Adam) || !reflect.DeepEqual(got.Average, want.Average) {
		t.Errorf("resumed after %s: step %d differs from the uninterrupted run's step %d state", how, got.Step, want.Step)
	}
}

func TestRunOptionErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Options)
		want   string
	}{
		{"config", func(o *Options) { o.Config.Kernel = 4 }, "kernel"},
		{"batch", func(o *Options) { o.Batch = 0 }, "batch"},
		{"lr", func(o *Options) { o.LR = 0 }, "learning rate"},
		{"floor", func(o *Options) { o.LRFloor = 1 }, "learning rate"},
		{"resume", func(o *Options) { o.Resume, o.Checkpoint = true, "" }, "checkpoint path"},
		{"photos cond", func(o *Options) { o.Photos, o.Config.Cond = "/x", 10 }, "labels"},
		{"channels", func(o *Options) { o.Config.Channels, o.Config.Features, o.Config.Hidden = 1, 6, 6 }, "channels"},
		{"labels", func(o *Options) { o.Config.Cond = 10; o.Train.Labels = nil }, "labels"},
		{"eval", func(o *Options) { o.EvalImages = 0 }, "evaluation"},
		{"mix", func(o *Options) { o.Config.Mix = -1 }, "mixture"},
		{"bin loss", func(o *Options) { o.BinLoss = true }, "bound"},
		{"bin loss head", func(o *Options) { o.BinLoss, o.Noise = true, 1 }, "mixture head"},
		{"ema", func(o *Options) { o.EMA = 1 }, "average"},
		{"noise", func(o *Options) { o.Noise = -1 }, "noise"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tinyOptions(t, 1)
			tc.change(&o)
			err := Run(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestRunPhotos trains on crops of generated photographs and checks that
// resuming replays the same crops.
func TestRunPhotos(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		img := image.NewRGBA(image.Rect(0, 0, 20+i, 17))
		for j := range img.Pix {
			img.Pix[j] = uint8(j*7 + i*50)
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("p%d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	photos := func(steps int64) Options {
		o := tinyOptions(t, steps)
		o.Train, o.Photos, o.CropSize = nil, dir, 8
		return o
	}
	straight := runOK(t, context.Background(), photos(6))
	o := photos(3)
	runOK(t, context.Background(), o)
	o.Steps, o.Resume = 6, true
	checkSameRun(t, "photo crops", runOK(t, context.Background(), o), straight)
}

// TestRunAverage checks that a run with EMA keeps a moving average of its
// weights, distinct from them, evaluates it and reports it.
func TestRunAverage(t *testing.T) {
	o := tinyOptions(t, 12)
	o.EMA = 0.8
	var log bytes.Buffer
	o.Log = &log
	c := runOK(t, context.Background(), o)
	if c.Average == nil || reflect.DeepEqual(c.Average, c.Params) {
		t.Fatal("the checkpoint has no weight average of its own")
	}
	if c.Weights() != c.Average {
		t.Error("Weights are not the average")
	}
	if !strings.Contains(log.String(), "average ") || strings.Contains(log.String(), "average - bpd") {
		t.Errorf("progress log lacks the average's test loss:\n%s", log.String())
	}
	avg, p := []float32{1, 2}, []float32{3, -2}
	average([][]float32{avg}, [][]float32{p}, 0.75)
	if avg[0] != 1.5 || avg[1] != 1 {
		t.Errorf("average of {1, 2} towards {3, -2} at decay 0.75: %v, want [1.5 1]", avg)
	}
}
