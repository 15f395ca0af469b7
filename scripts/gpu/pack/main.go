// Command pack carries CIFAR-10 to a GPU training call (scripts/gpu/README.md)
// in as few bytes as it can: every 32x32 image is coded on its own by pxcz's
// codec with its CIFAR-10 model (rather than as tiles of a mosaic, which
// would see unrelated neighbours and cost more), and the files are
// concatenated into one pack per set. On the device the same binary, built statically and carried, unpacks
// them with every core into raw pixels that scripts/gpu/train.py reads.
//
//	go run ./scripts/gpu/pack [--train-mb 29] [--checkpoint CKPT,...]     # here: code, verify, references
//	go run ./scripts/gpu/pack --ref-only --checkpoint CKPT              # here: add a reference only
//	.gpu/pack --unpack [--to /tmp/pxcz-gpu]                             # there: decode
//
// The sets: train is CIFAR-10 training images 0..N-1 (data_batch_1..5 in
// order), as many as fit --train-mb (or exactly --train); val the last --val
// training images (never among the packed training ones); test the first
// --test images of test_batch. pack.json describes them and holds, for each
// checkpoint named, the float NLL that model/train's forward pass gives the
// val and test images: the reference train.py checks its PyTorch
// transcription against before it trains.
//
// A pack file (.pxpk) is the magic "PXCZPAK1", a uint32 image count, then per
// image a uint32 length and that many bytes of .pxcz file, integers
// little-endian. The labels are one byte per image in a .labels file. An
// unpacked set (.u8) is the images' sub-pixels, [N][32][32][3] row-major
// (RGB interleaved, as corpus.Set holds them).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/internal/atomicfile"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
	"github.com/pxcz/pxcz/scripts/gpu/internal/kit"
)

// Pack is pack.json.
type Pack struct {
	Format     int                 `json:"format"` // 2
	Tile       int                 `json:"tile"`   // 32: images are tile x tile
	Channels   int                 `json:"channels"`
	Sets       map[string]*SetInfo `json:"sets"`
	References []*Reference        `json:"references"`
	Note       string              `json:"note"`
}

// SetInfo describes one packed set.
type SetInfo struct {
	File   string  `json:"file"`      // the .pxpk, beside pack.json
	Labels string  `json:"labels"`    // one label byte per image, beside pack.json
	Raw    string  `json:"raw"`       // the name --unpack gives the decoded set
	RawCRC string  `json:"raw_crc32"` // CRC-32 (IEEE) of the decoded set's bytes, %08x
	Count  int     `json:"count"`
	Source string  `json:"source"`
	First  int     `json:"first"`             // index of image 0 in the source split
	Bytes  int64   `json:"bytes"`             // size of File
	BPD    float64 `json:"bits_per_subpixel"` // File's size per sub-pixel
}

// Reference is model/train's float NLL of one checkpoint on the packed sets.
type Reference struct {
	Checkpoint string             `json:"checkpoint"` // path as given
	SHA256     string             `json:"sha256"`     // of the whole file, hex (not a CRC: every checkpoint ends with its own, so all share one CRC)
	Size       int64              `json:"size"`
	Step       int64              `json:"step"`
	Config     string             `json:"config"`
	BPD        map[string]float64 `json:"bpd"` // set name -> float NLL, bits/dim
	// Image0 is the NLL (nats) of every sub-pixel of test image 0,
	// [32][32][3] row-major, for train.py to say where it departs.
	Image0 []float64 `json:"test_image0_nll,omitempty"`
}

var packMagic = []byte("PXCZPAK1")

const side, channels = 32, 3

func main() {
	var o opts
	flag.StringVar(&o.cifar, "cifar", "", "CIFAR-10 archive, folder or batch (default: the shared data folder's)")
	flag.StringVar(&o.out, "out", ".gpu", "folder of the packs and pack.json")
	flag.Float64Var(&o.trainMB, "train-mb", 29, "pack training images until their pack would pass this many MB (10^6 bytes)")
	flag.IntVar(&o.nTrain, "train", 0, "pack exactly this many training images instead (0: as many as --train-mb allows)")
	flag.IntVar(&o.nVal, "val", 500, "validation images (the last ones of the training split)")
	flag.IntVar(&o.nTest, "test", 1000, "test images (the first ones of test_batch)")
	flag.IntVar(&o.effort, "e", 1, "codec effort 1..3")
	flag.IntVar(&o.workers, "j", runtime.GOMAXPROCS(0), "threads")
	flag.StringVar(&o.ckpts, "checkpoint", "model/checkpoints/c3f48l5-s9.ckpt", "comma-separated checkpoints to compute reference NLLs for")
	flag.BoolVar(&o.refOnly, "ref-only", false, "only add references for --checkpoint to an existing pack.json")
	flag.StringVar(&o.sets, "sets", "train,val,test", "sets to (re)code")
	flag.BoolVar(&o.unpack, "unpack", false, "decode the packs in --out into raw .u8 sets in --to")
	flag.StringVar(&o.to, "to", "/tmp/pxcz-gpu", "where --unpack writes (keep it out of the repository: it is large)")
	flag.Parse()
	var err error
	if o.unpack {
		err = unpackAll(o.out, o.to, o.workers)
	} else {
		err = run(&o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

type opts struct {
	cifar, out, ckpts, sets, to string
	trainMB                     float64
	nTrain, nVal, nTest         int
	effort, workers             int
	refOnly, unpack             bool
}

func run(o *opts) error {
	if o.cifar == "" {
		dir, err := corpus.DataDir()
		if err != nil {
			return err
		}
		o.cifar = filepath.Join(dir, corpus.CIFARArchive)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	trainSet, err := corpus.LoadCIFAR(o.cifar, "train")
	if err != nil {
		return err
	}
	testSet, err := corpus.LoadCIFAR(o.cifar, "test")
	if err != nil {
		return err
	}
	nv := trainSet.Len() - o.nVal
	if o.nVal < 1 || nv < 1 || o.nTest < 1 || o.nTest > testSet.Len() || o.nTrain < 0 || o.nTrain > nv {
		return fmt.Errorf("want 1 <= val < %d, 0 <= train <= %d - val and 1 <= test <= %d", trainSet.Len(), trainSet.Len(), testSet.Len())
	}
	sets := map[string]*corpus.Set{
		"train": sub(trainSet, 0, nv), // cut to what fits as it is coded
		"val":   sub(trainSet, nv, o.nVal),
		"test":  sub(testSet, 0, o.nTest),
	}
	firsts := map[string]int{"train": 0, "val": nv, "test": 0}
	sources := map[string]string{"train": "CIFAR-10 train split (data_batch_1..5)", "val": "CIFAR-10 train split (data_batch_1..5)", "test": "CIFAR-10 test_batch"}

	jsonPath := filepath.Join(o.out, "pack.json")
	p := &Pack{Sets: map[string]*SetInfo{}}
	if b, err := os.ReadFile(jsonPath); err == nil {
		if err := json.Unmarshal(b, p); err != nil {
			return fmt.Errorf("%s: %w", jsonPath, err)
		}
	} else if o.refOnly {
		return fmt.Errorf("--ref-only needs an existing %s: %w", jsonPath, err)
	}
	p.Format, p.Tile, p.Channels = 2, side, channels
	p.Note = "made by go run ./scripts/gpu/pack; see scripts/gpu/README.md"
	if !o.refOnly {
		p.References = nil // the images may change: old references no longer hold
		for _, name := range strings.Split(o.sets, ",") {
			s, ok := sets[name]
			if !ok {
				return fmt.Errorf("unknown set %q", name)
			}
			limit, count := int64(0), s.Len()
			if name == "train" {
				if o.nTrain > 0 {
					count = o.nTrain
				} else {
					limit = int64(o.trainMB * 1e6)
				}
			}
			info, err := packSet(o.out, name, sub(s, 0, count), limit, o.effort, o.workers)
			if err != nil {
				return err
			}
			info.Source, info.First = sources[name], firsts[name]
			p.Sets[name] = info
			if err := kit.WriteJSON(jsonPath, p); err != nil {
				return err
			}
		}
	}
	for _, ck := range strings.Split(o.ckpts, ",") {
		if ck == "" {
			continue
		}
		ref, err := reference(ck, sets, p)
		if err != nil {
			return err
		}
		kept := p.References[:0]
		for _, r := range p.References {
			if r.SHA256 != ref.SHA256 || r.Size != ref.Size {
				kept = append(kept, r)
			}
		}
		p.References = append(kept, ref)
		if err := kit.WriteJSON(jsonPath, p); err != nil {
			return err
		}
	}
	kit.ReportCarry(o.out, "pack fewer training images (--train-mb)")
	return nil
}

// sub is images first..first+n-1 of s.
func sub(s *corpus.Set, first, n int) *corpus.Set {
	sz := s.ImageSize()
	return &corpus.Set{W: s.W, H: s.H, C: s.C, Pix: s.Pix[first*sz : (first+n)*sz], Labels: s.Labels[first : first+n]}
}

// parallelFor runs f(i) for i in [lo, hi) on workers goroutines.
func parallelFor(lo, hi, workers int, f func(i int)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := lo
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= hi {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// packSet codes the images of s one by one, in order, and writes them and
// their labels. With limit > 0 it stops before the pack would pass limit
// bytes. It then decodes the pack it wrote and checks every pixel.
func packSet(out, name string, s *corpus.Set, limit int64, effort, workers int) (*SetInfo, error) {
	m, err := model.Default()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	fmt.Fprintf(os.Stderr, "%s: coding up to %d images with %q, effort %d ...\n", name, s.Len(), m.Name(), effort)
	var files [][]byte
	total := int64(len(packMagic) + 4)
	const chunk = 512
	var firstErr error
	var errMu sync.Mutex
full:
	for lo := 0; lo < s.Len(); lo += chunk {
		hi := min(lo+chunk, s.Len())
		coded := make([][]byte, hi-lo)
		parallelFor(lo, hi, workers, func(i int) {
			var b bytes.Buffer
			if err := codec.Encode(&b, s.ToImage(i), &codec.Options{Model: m, Effort: effort, Workers: 1}); err != nil {
				errMu.Lock()
				firstErr = cmp(firstErr, err)
				errMu.Unlock()
			}
			coded[i-lo] = b.Bytes()
		})
		if firstErr != nil {
			return nil, firstErr
		}
		for _, f := range coded {
			if limit > 0 && total+4+int64(len(f)) > limit {
				break full
			}
			files = append(files, f)
			total += 4 + int64(len(f))
		}
		fmt.Fprintf(os.Stderr, "  %d images, %.2f MB, %s\n", len(files), float64(total)/1e6, time.Since(start).Round(time.Second))
	}
	n := len(files)
	s = sub(s, 0, n)
	file := name + ".pxpk"
	path := filepath.Join(out, file)
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		w.Write(packMagic)
		binary.Write(w, binary.LittleEndian, uint32(n))
		for _, f := range files {
			binary.Write(w, binary.LittleEndian, uint32(len(f)))
			w.Write(f)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	info := &SetInfo{File: file, Labels: name + ".labels", Raw: name + ".u8", Count: n,
		RawCRC: fmt.Sprintf("%08x", crc32.ChecksumIEEE(s.Pix)),
		Bytes:  total, BPD: float64(total) * 8 / float64(len(s.Pix))}
	fmt.Fprintf(os.Stderr, "%s: %d images in %d bytes, %.4f bits/sub-pixel, %s\n", name, n, info.Bytes, info.BPD, time.Since(start).Round(time.Second))
	if err := os.WriteFile(filepath.Join(out, info.Labels), s.Labels, 0o644); err != nil {
		return nil, err
	}
	start = time.Now()
	pix, err := unpackFile(path, workers)
	if err != nil {
		return nil, fmt.Errorf("verifying %s: %w", path, err)
	}
	if !bytes.Equal(pix, s.Pix) {
		return nil, fmt.Errorf("verifying %s: decoded pixels differ from the images", path)
	}
	fmt.Fprintf(os.Stderr, "%s: decoded and compared, %s\n", name, time.Since(start).Round(time.Second))
	return info, nil
}

func cmp(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// unpackFile decodes a pack into the images' sub-pixels.
func unpackFile(path string, workers int) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, packMagic) || len(data) < len(packMagic)+4 {
		return nil, errors.New("not a pack (bad magic)")
	}
	r := data[len(packMagic):]
	n := int(binary.LittleEndian.Uint32(r))
	r = r[4:]
	files := make([][]byte, 0, min(n, len(r)/4))
	for range n {
		if len(r) < 4 {
			return nil, io.ErrUnexpectedEOF
		}
		k := int(binary.LittleEndian.Uint32(r))
		if len(r) < 4+k {
			return nil, io.ErrUnexpectedEOF
		}
		files = append(files, r[4:4+k])
		r = r[4+k:]
	}
	if len(r) != 0 {
		return nil, fmt.Errorf("%d bytes after the last image", len(r))
	}
	const sz = side * side * channels
	pix := make([]byte, n*sz)
	var firstErr error
	var mu sync.Mutex
	parallelFor(0, n, workers, func(i int) {
		img, err := codec.DecodeWith(bytes.NewReader(files[i]), &codec.Options{Workers: 1})
		if err == nil {
			rgb, ok := img.(*image.RGBA)
			if !ok || rgb.Bounds() != image.Rect(0, 0, side, side) {
				err = fmt.Errorf("image %d is %T %v, want 32x32 RGB", i, img, img.Bounds())
			} else {
				dst := pix[i*sz : (i+1)*sz]
				for p := range side * side {
					copy(dst[3*p:3*p+3], rgb.Pix[4*p:4*p+3])
				}
			}
		}
		if err != nil {
			mu.Lock()
			firstErr = cmp(firstErr, fmt.Errorf("image %d: %w", i, err))
			mu.Unlock()
		}
	})
	return pix, firstErr
}

// unpackAll decodes every set of the pack.json in dir into to.
func unpackAll(dir, to string, workers int) error {
	b, err := os.ReadFile(filepath.Join(dir, "pack.json"))
	if err != nil {
		return err
	}
	var p Pack
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for name, info := range p.Sets {
		start := time.Now()
		pix, err := unpackFile(filepath.Join(dir, info.File), workers)
		if err != nil {
			return fmt.Errorf("%s: %w", info.File, err)
		}
		if got := fmt.Sprintf("%08x", crc32.ChecksumIEEE(pix)); got != info.RawCRC || len(pix) != info.Count*side*side*channels {
			return fmt.Errorf("%s: decoded %d bytes with CRC %s, pack.json says %d images with CRC %s", info.File, len(pix), got, info.Count, info.RawCRC)
		}
		if err := os.WriteFile(filepath.Join(to, info.Raw), pix, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "unpacked %s: %d images in %s\n", name, info.Count, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// reference computes model/train's float NLL of checkpoint ck on the
// packed val and test sets, as `pxcz eval --checkpoint` does.
func reference(ck string, sets map[string]*corpus.Set, p *Pack) (*Reference, error) {
	data, err := os.ReadFile(ck)
	if err != nil {
		return nil, err
	}
	c, err := train.LoadCheckpoint(ck)
	if err != nil {
		return nil, err
	}
	net, err := train.NewNet(c.Weights())
	if err != nil {
		return nil, err
	}
	ref := &Reference{Checkpoint: ck, SHA256: fmt.Sprintf("%x", sha256.Sum256(data)), Size: int64(len(data)),
		Step: c.Step, Config: c.Params.Config.String(), BPD: map[string]float64{}}
	for _, name := range []string{"val", "test"} {
		info := p.Sets[name]
		if info == nil {
			continue
		}
		s := sets[name]
		if info.Count != s.Len() {
			return nil, fmt.Errorf("pack.json's %s set has %d images, the flags %d: pass the same --%s", name, info.Count, s.Len(), name)
		}
		if got := fmt.Sprintf("%08x", crc32.ChecksumIEEE(s.Pix)); got != info.RawCRC {
			return nil, fmt.Errorf("the %s images differ from pack.json's (CRC %s, want %s)", name, got, info.RawCRC)
		}
		var nats float64
		const batch = 50
		sz := s.ImageSize()
		for i := 0; i < s.Len(); i += batch {
			b := min(batch, s.Len()-i)
			if err := setCond(net, s.Labels[i:i+b]); err != nil {
				return nil, err
			}
			l, err := net.Loss(s.Pix[i*sz:(i+b)*sz], b, s.H, s.W)
			if err != nil {
				return nil, err
			}
			nats += l * float64(b)
		}
		ref.BPD[name] = nats / float64(s.Len()) / math.Ln2
		fmt.Fprintf(os.Stderr, "reference %s (step %d, sha256 %.12s): %s %.5f bits/dim\n", ck, c.Step, ref.SHA256, name, ref.BPD[name])
		if name != "test" {
			continue
		}
		if err := setCond(net, s.Labels[:1]); err != nil {
			return nil, err
		}
		lp, err := net.LogProbs(s.Image(0), 1, s.H, s.W)
		if err != nil {
			return nil, err
		}
		for q, v := range s.Image(0) {
			ref.Image0 = append(ref.Image0, math.Round(-float64(lp[q*256+int(v)])*1e6)/1e6)
		}
	}
	return ref, nil
}

// setCond gives a conditional net the one-hot labels of its next batch.
func setCond(net *train.Net, labels []uint8) error {
	d := net.Params.Config.Cond
	if d == 0 {
		return nil
	}
	h := make([]float32, len(labels)*d)
	if err := train.OneHot(h, labels, d); err != nil {
		return err
	}
	net.SetCond(h)
	return nil
}
