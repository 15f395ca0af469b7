package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"math/bits"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Peer is a command-line codec, driven through files. Every peer is run at
// its strongest lossless setting and kept to one thread, so that its times
// are per image and comparable while images run in parallel.
type Peer struct {
	// ID is what --against calls the peer.
	ID string
	// Label names it in tables: the settings that matter, as typed.
	Label string
	// Package is the Debian package providing the tools, for the note
	// printed when they are missing.
	Package string
	// Input is the format the encoder reads.
	Input Format
	// Ext is the compressed file's extension.
	Ext string
	// Encode is the encoder's command line; "{in}" and "{out}" stand for
	// the input image and the compressed file, "{levels}" for the most
	// halvings the image's smaller side allows, up to 6 (a JPEG 2000
	// encoder's number of resolutions).
	Encode []string
	// Decode is the decoder's command line, "{in}" the compressed file and
	// "{out}" the decoded image. Nil means the compressed file is a PNG,
	// decoded (and timed) with Go's image/png.
	Decode []string
	// DecodedExt is the decoded file's extension for an image of c
	// channels, which is what tells most decoders the format to write.
	DecodedExt func(c int) string
	// Version is a command line printing the encoder's version, which goes
	// into the cache key; nil if the tool has none.
	Version []string
	// Timeout bounds each command; 0 means none.
	Timeout time.Duration

	versionOnce sync.Once
	version     string
}

// unbounded is a peer whose output may differ from its input with no bound
// promised: the benchmark measures its error.
type unbounded struct{ *Peer }

func (unbounded) MaxError() int { return -1 }

// NearLosslessWebP is cwebp's near-lossless mode (webp in --against when
// the benchmark is near-lossless) at the level that comes closest to
// keeping every sub-pixel within k without going over: level N quantizes
// to (100-N)/20 bits, which moves a value by up to half the step. libwebp
// promises no bound (and -exact does nothing here), so its error is
// measured, not checked.
func NearLosslessWebP(k int) NearLossless {
	b := min(bits.Len(uint(k)), 5) // the most bits whose half-step, 2^(b-1), is at most k
	level := strconv.Itoa(100 - 20*b)
	return unbounded{&Peer{
		ID: "webp", Label: "cwebp -lossless -near_lossless " + level, Package: "webp",
		Input: PNG, Ext: ".webp",
		Encode:     []string{"cwebp", "-quiet", "-lossless", "-z", "9", "-near_lossless", level, "{in}", "-o", "{out}"},
		Decode:     []string{"dwebp", "-quiet", "{in}", "-pam", "-o", "{out}"},
		DecodedExt: always(".pam"),
		Version:    []string{"cwebp", "-version"},
	}}
}

// pnmOrPNG names PGM and PPM for gray and RGB, and PNG for RGBA, for
// decoders that write no PAM.
func pnmOrPNG(c int) string {
	if c == 4 {
		return ".png"
	}
	return pnmExt(c)
}

func always(ext string) func(int) string { return func(int) string { return ext } }

// Peers returns the peer codecs the benchmark knows, in table order. The
// result is fresh on every call, so setting Timeout touches no one else.
func Peers() []*Peer {
	jxl := func(effort string) *Peer {
		return &Peer{
			ID: "jxl" + effort, Label: "cjxl -d 0 -e " + effort, Package: "libjxl-tools",
			Input: PNG, Ext: ".jxl",
			Encode:     []string{"cjxl", "{in}", "{out}", "-d", "0", "-e", effort, "--num_threads=1", "--quiet"},
			Decode:     []string{"djxl", "{in}", "{out}", "--num_threads=1", "--quiet"},
			DecodedExt: pnmOrPNG,
			Version:    []string{"cjxl", "--version"},
		}
	}
	return []*Peer{
		{
			ID: "webp", Label: "cwebp -lossless -z 9 -exact", Package: "webp",
			Input: PNG, Ext: ".webp",
			// -exact keeps the colors of transparent pixels; no -mt.
			Encode:     []string{"cwebp", "-quiet", "-lossless", "-z", "9", "-exact", "{in}", "-o", "{out}"},
			Decode:     []string{"dwebp", "-quiet", "{in}", "-pam", "-o", "{out}"},
			DecodedExt: always(".pam"),
			Version:    []string{"cwebp", "-version"},
		},
		jxl("9"),
		jxl("7"),
		{
			ID: "optipng", Label: "optipng -o7", Package: "optipng",
			Input: PNG, Ext: ".png",
			Encode:  []string{"optipng", "-quiet", "-o7", "-out", "{out}", "{in}"},
			Version: []string{"optipng", "--version"},
		},
		{
			ID: "zopflipng", Label: "zopflipng -m", Package: "zopfli",
			Input: PNG, Ext: ".png",
			// Without --lossy_* flags zopflipng keeps every pixel.
			Encode: []string{"zopflipng", "-m", "-y", "{in}", "{out}"},
		},
		{
			ID: "avif", Label: "avifenc -l -s 0", Package: "libavif-bin",
			Input: PNG, Ext: ".avif",
			Encode:     []string{"avifenc", "-l", "-s", "0", "--jobs", "1", "{in}", "{out}"},
			Decode:     []string{"avifdec", "--jobs", "1", "--depth", "8", "--png-compress", "0", "{in}", "{out}"},
			DecodedExt: always(".png"),
			Version:    []string{"avifenc", "--version"},
		},
		{
			// opj_compress is lossless by default. It is given PNM, not PNG:
			// from a PNG it would apply a gAMA chunk and stop being lossless.
			ID: "jp2", Label: "opj_compress (lossless)", Package: "libopenjp2-tools",
			Input: PNM, Ext: ".jp2",
			// Its default 6 resolutions fail on images under 32 pixels a side.
			Encode:     []string{"opj_compress", "-i", "{in}", "-o", "{out}", "-n", "{levels}", "-threads", "1"},
			Decode:     []string{"opj_decompress", "-i", "{in}", "-o", "{out}", "-threads", "1"},
			DecodedExt: always(".pnm"), // PAM when there is alpha
			Version:    []string{"opj_compress", "-h"},
		},
	}
}

// Missing returns "" when the peer's tools are on PATH, and otherwise a
// note saying which is not and where to get it.
func (p *Peer) Missing() string {
	for _, argv := range [][]string{p.Encode, p.Decode} {
		if argv == nil {
			continue
		}
		if _, err := exec.LookPath(argv[0]); err != nil {
			return fmt.Sprintf("%s: skipped, %s not found (Debian package %s)", p.Label, argv[0], p.Package)
		}
	}
	return ""
}

// Name is the peer's Label.
func (p *Peer) Name() string { return p.Label }

// Key is the peer's command lines and the encoder's version.
func (p *Peer) Key() string {
	p.versionOnce.Do(func() { p.version = toolVersion(p.Version) })
	return fmt.Sprintf("%s | %s | %s | %s", p.ID, strings.Join(p.Encode, " "), strings.Join(p.Decode, " "), p.version)
}

// toolVersion returns the first line of argv's output that holds a digit.
func toolVersion(argv []string) string {
	if argv == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.ContainsAny(line, "0123456789") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// RoundTrip runs the encoder and the decoder on in's files.
func (p *Peer) RoundTrip(ctx context.Context, in *Input) (Trip, error) {
	src, err := in.File(p.Input)
	if err != nil {
		return Trip{}, err
	}
	comp := filepath.Join(in.Dir, p.ID+p.Ext)
	// zopflipng keeps an existing output that is smaller than its own.
	os.Remove(comp)
	levels := min(6, bits.Len(uint(min(in.Pixels.W, in.Pixels.H))))
	enc, err := p.run(ctx, p.Encode, strings.NewReplacer("{in}", src, "{out}", comp, "{levels}", strconv.Itoa(levels)))
	if err != nil {
		return Trip{}, err
	}
	if p.Decode == nil {
		file, err := os.ReadFile(comp)
		if err != nil {
			return Trip{}, fmt.Errorf("%s wrote no output: %w", p.Encode[0], err)
		}
		return decodePNG(file, enc)
	}
	fi, err := os.Stat(comp)
	if err != nil {
		return Trip{}, fmt.Errorf("%s wrote no output: %w", p.Encode[0], err)
	}
	out := filepath.Join(in.Dir, p.ID+".decoded"+p.DecodedExt(in.Pixels.C))
	dec, err := p.run(ctx, p.Decode, strings.NewReplacer("{in}", comp, "{out}", out))
	if err != nil {
		return Trip{}, err
	}
	decoded, err := readDecoded(out)
	if err != nil {
		return Trip{}, fmt.Errorf("reading what %s decoded: %w", p.Decode[0], err)
	}
	return Trip{Bytes: fi.Size(), Encode: enc, Decode: dec, Decoded: decoded}, nil
}

// run runs one command line with its placeholders replaced by vars,
// returning its wall clock time, process start and file I/O included.
func (p *Peer) run(ctx context.Context, argv []string, vars *strings.Replacer) (time.Duration, error) {
	args := make([]string, len(argv)-1)
	for i, a := range argv[1:] {
		args[i] = vars.Replace(a)
	}
	if p.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, argv[0], args...)
	var output tail
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.WaitDelay = time.Second // a stray grandchild holding the pipes cannot hang us
	t0 := time.Now()
	err := cmd.Run()
	dt := time.Since(t0)
	switch {
	case err == nil:
		return dt, nil
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && p.Timeout > 0:
		return 0, uncached{fmt.Errorf("%s timed out after %v", argv[0], p.Timeout)}
	case ctx.Err() != nil:
		return 0, ctx.Err()
	}
	msg := strings.TrimSpace(string(output.b))
	if msg != "" {
		msg = ": " + strings.ReplaceAll(msg, "\n", " / ")
	}
	return 0, fmt.Errorf("%s failed (%w)%s", argv[0], err, msg)
}

// readDecoded reads a decoder's output, PNG or PNM by its extension.
func readDecoded(path string) (*Pixels, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(filepath.Ext(path), ".png") {
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return FromImage(img)
	}
	return ReadPNM(bytes.NewReader(data))
}

// tail keeps the last bytes written to it: enough of a tool's chatter to say
// why it failed.
type tail struct{ b []byte }

const tailMax = 400

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > tailMax {
		t.b = append(t.b[:0], t.b[len(t.b)-tailMax:]...)
	}
	return len(p), nil
}

// uncached marks a failure that says nothing lasting about the codec, such
// as a timeout, so that it is not cached and a rerun tries again.
type uncached struct{ error }

func (u uncached) Unwrap() error { return u.error }
