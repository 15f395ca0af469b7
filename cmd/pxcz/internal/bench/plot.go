package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
)

// Plot geometry, in SVG user units.
const (
	plotW, plotH     = 860, 540
	marginL, marginR = 72, 190 // the right margin holds the legend
	marginT, marginB = 44, 64
	labelFont        = 11
	charW            = 6.2 // rough advance of one label character
)

// plotColors and plotMarkers tell data sets apart, both, so that the plot
// survives grayscale printing.
var (
	plotColors  = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"}
	plotMarkers = []string{"circle", "square", "triangle", "diamond"}
)

// WritePlot draws bits per sub-pixel against decode speed (log scale) as an
// SVG image: one labelled point per codec and data set. Codecs that failed on
// some image, or whose decode time is unknown, are left out and listed
// under the plot.
func WritePlot(w io.Writer, sums []*Summary) error {
	type point struct {
		x, y  float64 // data: decode MP/s, bits per sub-pixel
		label string
		set   int
	}
	var pts []point
	var left []string
	for si, s := range sums {
		for _, r := range s.Rows {
			if r.Failed > 0 || r.DecodeMPS() <= 0 {
				left = append(left, fmt.Sprintf("%s on %s", r.Codec, s.Dataset))
				continue
			}
			pts = append(pts, point{r.DecodeMPS(), r.BitsPerSubPixel(), r.Codec, si})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="%d">`+"\n",
		plotW, plotH, plotW, plotH, labelFont)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold">Lossless compression: bits per sub-pixel vs decode speed</text>`+"\n", marginL)

	x0, x1 := float64(marginL), float64(plotW-marginR)
	y0, y1 := float64(plotH-marginB), float64(marginT)
	lo, hi := math.Inf(1), math.Inf(-1)
	blo, bhi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		lo, hi = min(lo, p.x), max(hi, p.x)
		blo, bhi = min(blo, p.y), max(bhi, p.y)
	}
	if len(pts) == 0 {
		lo, hi, blo, bhi = 1, 10, 0, 8
	}
	// The x range is the points' own, padded so that none sits on the frame,
	// and at least a decade wide; ticks go on every 1-9 multiple of a
	// decade inside it.
	llo, lhi := logRange(lo, hi, 0.08)
	step := niceStep((bhi - blo) / 5)
	ylo, yhi := math.Floor((blo-0.03*(bhi-blo))/step)*step, math.Ceil((bhi+0.03*(bhi-blo))/step)*step
	if yhi <= ylo {
		ylo, yhi = ylo-step, yhi+step
	}
	px := func(v float64) float64 { return x0 + (math.Log10(v)-llo)/(lhi-llo)*(x1-x0) }
	py := func(v float64) float64 { return y0 + (v-ylo)/(yhi-ylo)*(y1-y0) }

	// Axes, grid and ticks.
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#333"/>`+"\n", x0, y1, x1-x0, y0-y1)
	logAxis(&b, llo, lhi, px, y0, y1)
	linearAxis(&b, ylo, yhi, step, py, x0, x1)
	fmt.Fprintf(&b, `<text x="%g" y="%d" text-anchor="middle" font-size="13">decode speed (megapixels per second, one thread, log scale)</text>`+"\n", (x0+x1)/2, plotH-22)
	fmt.Fprintf(&b, `<text transform="translate(20 %g) rotate(-90)" text-anchor="middle" font-size="13">bits per sub-pixel</text>`+"\n", (y0+y1)/2)

	// Points, then their labels placed where they overlap no earlier label.
	var boxes [][4]float64
	for _, p := range pts {
		x, y := px(p.x), py(p.y)
		b.WriteString(marker(x, y, p.set) + "\n")
		boxes = append(boxes, [4]float64{x - 5, y - 5, x + 5, y + 5})
	}
	for _, p := range pts {
		x, y := px(p.x), py(p.y)
		w := float64(len([]rune(p.label))) * charW
		lx, ly, anchor := placeLabel(x, y, w, x0, x1, boxes)
		boxes = append(boxes, labelBox(lx, ly, w, anchor))
		if ly != y+4 { // moved off its point's line: a leader says whose it is
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-opacity="0.5"/>`+"\n",
				x, y, lx, ly-4, plotColors[p.set%len(plotColors)])
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s">%s</text>`+"\n",
			lx, ly, anchor, plotColors[p.set%len(plotColors)], html.EscapeString(p.label))
	}

	// Legend.
	for si, s := range sums {
		ly := float64(marginT+10) + float64(si)*20
		b.WriteString(marker(x1+20, ly, si) + "\n")
		fmt.Fprintf(&b, `<text x="%g" y="%g">%s</text>`+"\n", x1+30, ly+4, html.EscapeString(s.Dataset))
	}
	if len(left) > 0 {
		fmt.Fprintf(&b, `<text x="%g" y="%d" font-size="10" fill="#a00">left out (failed or untimed): %s</text>`+"\n",
			x0, plotH-6, html.EscapeString(strings.Join(left, ", ")))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// logRange is the log10 range of a log axis for data from lo to hi:
// padded by frac of its width on each side, so that no point sits on the
// frame, and at least a decade wide.
func logRange(lo, hi, frac float64) (llo, lhi float64) {
	llo, lhi = math.Log10(lo), math.Log10(hi)
	pad := max(frac*(lhi-llo), (1-(lhi-llo))/2)
	return llo - pad, lhi + pad
}

// logAxis draws the x axis's grid, ticks and labels of a plot frame from
// (x0, y0) at the bottom left to (x1, y1) for the log10 range llo..lhi, px
// placing a value: ticks on every 1-9 multiple of a decade inside it.
func logAxis(b *strings.Builder, llo, lhi float64, px func(float64) float64, y0, y1 float64) {
	for d := math.Floor(llo); d <= lhi; d++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, d)
			if l := math.Log10(v); l < llo || l > lhi {
				continue
			}
			x := px(v)
			labelled := m == 1 || (lhi-llo < 2 && (m == 2 || m == 5))
			tick := 4.0
			if labelled {
				tick = 7
				fmt.Fprintf(b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#ddd"/>`+"\n", x, y1, x, y0)
				fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle">%s</text>`+"\n", x, y0+20, strconv.FormatFloat(v, 'f', -1, 64))
			}
			fmt.Fprintf(b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#333"/>`+"\n", x, y0, x, y0-tick)
		}
	}
}

// linearAxis draws the y axis's grid, ticks and labels of a plot frame
// from x0 to x1 for ylo..yhi in steps of step, py placing a value.
func linearAxis(b *strings.Builder, ylo, yhi, step float64, py func(float64) float64, x0, x1 float64) {
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	for i := 0; ylo+float64(i)*step <= yhi+step/2; i++ {
		v := ylo + float64(i)*step
		y := py(v)
		fmt.Fprintf(b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#ddd"/>`+"\n", x0, y, x1, y)
		fmt.Fprintf(b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#333"/>`+"\n", x0, y, x0+7, y)
		fmt.Fprintf(b, `<text x="%g" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-6, y+4, strconv.FormatFloat(v, 'f', decimals, 64))
	}
}

// marker draws data set set's marker centred on (x, y).
func marker(x, y float64, set int) string {
	c := plotColors[set%len(plotColors)]
	switch plotMarkers[set%len(plotMarkers)] {
	case "square":
		return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="8" height="8" fill="%s"/>`, x-4, y-4, c)
	case "triangle":
		return fmt.Sprintf(`<path d="M%.1f %.1fl5 9h-10z" fill="%s"/>`, x, y-5, c)
	case "diamond":
		return fmt.Sprintf(`<path d="M%.1f %.1fl5 5l-5 5l-5 -5z" fill="%s"/>`, x, y-5, c)
	}
	return fmt.Sprintf(`<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s"/>`, x, y, c)
}

// placeLabel finds a spot for a label of width w beside the point at (x, y):
// right of it, else left, moving further up or down until it overlaps no
// box. It returns the text position and anchor.
func placeLabel(x, y, w, xmin, xmax float64, boxes [][4]float64) (float64, float64, string) {
	for shift := 0; shift < 12; shift++ {
		dy := float64((shift+1)/2*12) * float64(1-2*(shift%2)) // 0, -12, 12, -24, ...
		for _, anchor := range []string{"start", "end"} {
			lx := x + 8
			if anchor == "end" {
				lx = x - 8
			}
			ly := y + 4 + dy
			box := labelBox(lx, ly, w, anchor)
			if box[0] < xmin || box[2] > xmax {
				continue
			}
			free := true
			for _, o := range boxes {
				if box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3] {
					free = false
					break
				}
			}
			if free {
				return lx, ly, anchor
			}
		}
	}
	return x + 8, y + 4, "start"
}

// labelBox is the rectangle a label at text position (x, y) covers.
func labelBox(x, y, w float64, anchor string) [4]float64 {
	if anchor == "end" {
		x -= w
	}
	return [4]float64{x, y - labelFont + 2, x + w, y + 3}
}

// niceStep rounds a raw tick step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}
