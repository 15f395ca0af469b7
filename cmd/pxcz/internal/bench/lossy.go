package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/model/ae"
)

// Lossy benchmarks: each peer at a sweep of quality settings, every
// setting a codec of its own (an operating point), its error measured. A
// rate-distortion table gives per-image means of bits per pixel, PSNR and
// MS-SSIM, the convention of CompressAI's published tables, and the
// Bjøntegaard delta rate of every peer against JPEG.

// lossyPoint is a peer at one quality setting.
type lossyPoint struct {
	*Peer
	family string
}

func (lossyPoint) MaxError() int    { return -1 }
func (p lossyPoint) Family() string { return p.family }

// pxczLossy is pxcz coding lossily at one quality: an operating point of
// the family "pxcz".
type pxczLossy struct {
	m       *ae.Model // nil: the built-in ones
	quality int
}

// PxczLossyQualities are the qualities a lossy benchmark runs pxcz at.
var PxczLossyQualities = []int{1, 15, 30, 45, 60, 75, 90, 100}

// PxczLossy is pxcz compress --lossy --quality quality with lossy model m
// (nil: the built-in ones), one thread per image.
func PxczLossy(m *ae.Model, quality int) Codec { return pxczLossy{m, quality} }

func (pxczLossy) MaxError() int  { return -1 }
func (pxczLossy) Family() string { return Subject }

func (c pxczLossy) Name() string { return fmt.Sprintf("%s --lossy --quality %d", Subject, c.quality) }

func (c pxczLossy) Key() string {
	ms := []*ae.Model{c.m}
	if c.m == nil {
		ms, _ = ae.Models()
	}
	key := fmt.Sprintf("pxcz lossy coding=%s quality=%d", coding, c.quality)
	for _, m := range ms {
		key += fmt.Sprintf(" model=%s fingerprint=%x", m.Name(), m.Fingerprint())
	}
	return key
}

func (c pxczLossy) RoundTrip(_ context.Context, in *Input) (Trip, error) {
	return pxczTrip(in, &codec.Options{LossyModel: c.m, Quality: c.quality, Workers: 1})
}

// LossyPeerIDs lists the lossy peers --against takes in a lossy benchmark.
var LossyPeerIDs = []string{"jpeg", "webp", "jxl", "avif"}

// lossyFamily describes one lossy peer and its sweep.
type lossyFamily struct {
	id, label, pkg string
	input          Format
	ext            string
	settings       []string // from the lowest rate up
	encode         func(q string) []string
	decode         []string
	decodedExt     func(c int) string
	version        []string
}

var lossyFamilies = []lossyFamily{
	{
		id: "jpeg", label: "cjpeg -optimize -quality", pkg: "libjpeg-turbo-progs", input: PNM, ext: ".jpg",
		settings: []string{"5", "10", "20", "30", "50", "70", "85", "95"},
		encode: func(q string) []string {
			return []string{"cjpeg", "-optimize", "-quality", q, "-outfile", "{out}", "{in}"}
		},
		decode: []string{"djpeg", "-pnm", "-outfile", "{out}", "{in}"}, decodedExt: pnmOrPNG,
		version: []string{"cjpeg", "-version"},
	},
	{
		id: "webp", label: "cwebp -m 6 -q", pkg: "webp", input: PNG, ext: ".webp",
		settings: []string{"5", "10", "20", "40", "60", "80", "95"},
		encode:   func(q string) []string { return []string{"cwebp", "-quiet", "-m", "6", "-q", q, "{in}", "-o", "{out}"} },
		decode:   []string{"dwebp", "-quiet", "{in}", "-pam", "-o", "{out}"}, decodedExt: always(".pam"),
		version: []string{"cwebp", "-version"},
	},
	{
		id: "jxl", label: "cjxl -e 7 -d", pkg: "libjxl-tools", input: PNG, ext: ".jxl",
		settings: []string{"12", "8", "5", "3", "2", "1", "0.5"},
		encode: func(d string) []string {
			return []string{"cjxl", "{in}", "{out}", "-e", "7", "-d", d, "--num_threads=1", "--quiet"}
		},
		decode: []string{"djxl", "{in}", "{out}", "--num_threads=1", "--quiet"}, decodedExt: pnmOrPNG,
		version: []string{"cjxl", "--version"},
	},
	{
		id: "avif", label: "avifenc -s 6 --min/--max", pkg: "libavif-bin", input: PNG, ext: ".avif",
		settings: []string{"60", "52", "44", "36", "28", "20", "12"},
		encode: func(q string) []string {
			return []string{"avifenc", "-s", "6", "-j", "1", "--min", q, "--max", q, "{in}", "{out}"}
		},
		decode: []string{"avifdec", "-j", "1", "{in}", "{out}"}, decodedExt: always(".png"),
		version: []string{"avifenc", "--version"},
	},
}

// SelectLossyPeers returns every operating point of the lossy peers named
// in against (LossyPeerIDs, comma-separated, or all, or none), in table
// order; peers whose tools are missing are left out with a note.
func SelectLossyPeers(against string, timeout time.Duration) (peers []Codec, notes []string, err error) {
	want := map[string]bool{}
	for _, id := range strings.Split(against, ",") {
		switch id = strings.TrimSpace(strings.ToLower(id)); {
		case id == "all":
			for _, id := range LossyPeerIDs {
				want[id] = true
			}
		case id == "none" || id == "":
		case slices.Contains(LossyPeerIDs, id):
			want[id] = true
		default:
			return nil, nil, fmt.Errorf("unknown lossy peer %q; lossy peers are %s, all or none", id, strings.Join(LossyPeerIDs, ", "))
		}
	}
	for _, f := range lossyFamilies {
		if !want[f.id] {
			continue
		}
		for _, q := range f.settings {
			p := &Peer{
				ID: f.id, Label: f.label + " " + q, Package: f.pkg, Input: f.input, Ext: f.ext,
				Encode: f.encode(q), Decode: f.decode, DecodedExt: f.decodedExt, Version: f.version, Timeout: timeout,
			}
			if note := p.Missing(); note != "" {
				notes = append(notes, note)
				break
			}
			peers = append(peers, lossyPoint{p, f.id})
		}
	}
	return peers, notes, nil
}

// BDRate is the Bjøntegaard delta rate of curve b against curve a: the
// mean difference in rate at equal distortion over the distortions both
// span, as a fraction (-0.2: b needs 20% fewer bits). Each curve is its
// points' rates and distortions (higher is better); log rate is fitted as
// a cubic in distortion, as VCEG-M33 does. ok is false when a curve has
// fewer than 4 points or the curves do not overlap.
func BDRate(aRate, aDist, bRate, bDist []float64) (delta float64, ok bool) {
	if len(aRate) < 4 || len(bRate) < 4 {
		return 0, false
	}
	lo := max(slices.Min(aDist), slices.Min(bDist))
	hi := min(slices.Max(aDist), slices.Max(bDist))
	if !(hi > lo) {
		return 0, false
	}
	// Distortions are centred on the common range before fitting, which
	// keeps the normal equations well conditioned.
	mid := (lo + hi) / 2
	centred := func(v []float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = x - mid
		}
		return out
	}
	lo, hi = lo-mid, hi-mid
	pa, okA := cubicFit(centred(aDist), logs(aRate))
	pb, okB := cubicFit(centred(bDist), logs(bRate))
	if !okA || !okB {
		return 0, false
	}
	avg := (integral(pb, lo, hi) - integral(pa, lo, hi)) / (hi - lo)
	return math.Exp(avg) - 1, true
}

func logs(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Log(x)
	}
	return out
}

// cubicFit returns the least-squares cubic c0 + c1·x + c2·x² + c3·x³
// through the points (x, y), solving the normal equations.
func cubicFit(x, y []float64) ([4]float64, bool) {
	var m [4][5]float64
	for i := range x {
		var pw [7]float64
		pw[0] = 1
		for k := 1; k < 7; k++ {
			pw[k] = pw[k-1] * x[i]
		}
		for r := range 4 {
			for c := range 4 {
				m[r][c] += pw[r+c]
			}
			m[r][4] += pw[r] * y[i]
		}
	}
	for col := range 4 { // Gaussian elimination with partial pivoting
		piv := col
		for r := col + 1; r < 4; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		if m[piv][col] == 0 {
			return [4]float64{}, false
		}
		m[col], m[piv] = m[piv], m[col]
		for r := range 4 {
			if r != col {
				f := m[r][col] / m[col][col]
				for c := col; c < 5; c++ {
					m[r][c] -= f * m[col][c]
				}
			}
		}
	}
	var c [4]float64
	for r := range 4 {
		c[r] = m[r][4] / m[r][r]
	}
	return c, true
}

// integral is the integral of the cubic c from lo to hi.
func integral(c [4]float64, lo, hi float64) float64 {
	f := func(x float64) float64 { return c[0]*x + c[1]*x*x/2 + c[2]*x*x*x/3 + c[3]*x*x*x*x/4 }
	return f(hi) - f(lo)
}

// bdLines says, for every family of operating points in s but JPEG's, its
// Bjøntegaard delta rate against JPEG at equal PSNR and at equal MS-SSIM.
func (s *Summary) bdLines() []string {
	curves := map[string][3][]float64{} // family: rates, PSNRs, MS-SSIMs
	var order []string
	for _, r := range s.Rows {
		if r.Family == "" || r.Failed > 0 || r.Images == 0 {
			continue
		}
		c, seen := curves[r.Family]
		if !seen {
			order = append(order, r.Family)
		}
		c[0] = append(c[0], r.MeanBPP())
		c[1] = append(c[1], r.MeanPSNR())
		c[2] = append(c[2], r.MeanMSSSIM())
		curves[r.Family] = c
	}
	ref, ok := curves["jpeg"]
	if !ok {
		return nil
	}
	var lines []string
	for k, metric := range []string{"PSNR", "MS-SSIM"} {
		var parts []string
		for _, f := range order {
			if f == "jpeg" {
				continue
			}
			if d, ok := BDRate(ref[0], ref[1+k], curves[f][0], curves[f][1+k]); ok && !math.IsNaN(d) {
				parts = append(parts, fmt.Sprintf("%s %+.1f%%", f, 100*d))
			}
		}
		if len(parts) > 0 {
			lines = append(lines, fmt.Sprintf("BD-rate against JPEG at equal %s: %s", metric, strings.Join(parts, ", ")))
		}
	}
	return lines
}

var rdHeaders = []string{"codec", "bpp", "PSNR dB", "MS-SSIM", "encode MP/s", "decode MP/s"}

// rdCells formats one operating point's row.
func rdCells(r Row) []string {
	if r.Failed > 0 {
		return []string{r.Codec, fmt.Sprintf("FAILED %d/%d", r.Failed, r.Failed+r.Images), "", "", "", ""}
	}
	ms := "n/a"
	if m := r.MeanMSSSIM(); !math.IsNaN(m) {
		ms = fmt.Sprintf("%.4f", m)
	}
	return []string{r.Codec, fmt.Sprintf("%.3f", r.MeanBPP()), fmt.Sprintf("%.2f", r.MeanPSNR()), ms, speed(r.EncodeMPS()), speed(r.DecodeMPS())}
}

// rdCaption says how the rate-distortion figures were measured.
func rdCaption(jobs int) string {
	return "bpp: bits per pixel of the whole compressed file, headers included; PSNR over the color channels " +
		"(10·log10(255²/MSE)); MS-SSIM over the color channels (Wang et al. 2003, 5 scales, 11x11 Gaussian σ 1.5, " +
		"as pytorch_msssim computes it; n/a for images under 161 pixels a side); each the mean of per-image values, " +
		"as CompressAI's tables give them. BD-rate: Bjøntegaard's mean rate difference at equal quality, a cubic fit of " +
		"log rate, over the qualities both curves span (negative: fewer bits than JPEG). " +
		fmt.Sprintf("Speeds: megapixels per second on one thread per image, %d %s at a time, process start and file I/O included.",
			jobs, plural(jobs, "image", "images"))
}

// WriteRD writes a lossy benchmark's rate-distortion tables as text or
// markdown.
func WriteRD(w io.Writer, sums []*Summary, format string, jobs int, notes []string) error {
	var b strings.Builder
	md := format == "markdown"
	if !md && format != "text" {
		return fmt.Errorf("a lossy benchmark writes text or markdown, not %q", format)
	}
	for i, s := range sums {
		if i > 0 {
			b.WriteString("\n")
		}
		table := [][]string{rdHeaders}
		for _, r := range s.Rows {
			table = append(table, rdCells(r))
		}
		if md {
			fmt.Fprintf(&b, "**%s**\n\n", mdEscape(s.heading()))
			for k, row := range table {
				for c := range row {
					row[c] = mdEscape(row[c])
				}
				b.WriteString("| " + strings.Join(row, " | ") + " |\n")
				if k == 0 {
					b.WriteString("|:--" + strings.Repeat("|--:", len(row)-1) + "|\n")
				}
			}
		} else {
			b.WriteString(s.heading() + "\n")
			writeColumns(&b, table)
		}
		for _, l := range s.bdLines() {
			if md {
				l = "\n" + mdEscape(l)
			}
			b.WriteString(l + "\n")
		}
		for _, f := range s.failures() {
			b.WriteString("!! " + f + "\n")
		}
	}
	if md {
		b.WriteString("\n*" + mdEscape(rdCaption(jobs)) + "*\n")
	} else {
		b.WriteString("\n" + wrap(rdCaption(jobs), 78) + "\n")
	}
	for _, n := range notes {
		b.WriteString("Note: " + n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
