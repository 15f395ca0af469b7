package bench

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"
)

// Rate-distortion plot geometry, in SVG user units: per data set a row of
// two panels, PSNR and MS-SSIM against bits per pixel.
const (
	rdPanelW, rdPanelH = 430, 330
	rdLegendW          = 150
	rdTitleH           = 34
)

// rdPoint is an operating point: its mean bits per pixel, PSNR and
// MS-SSIM (NaN where the images had none).
type rdPoint struct{ bpp, psnr, msssim float64 }

// rdCurve is one family's operating points on one data set, by rising
// rate.
type rdCurve struct {
	family     string
	points     []rdPoint
	colorIndex int
}

// rdCurves gathers s's families of operating points, those that failed on
// an image left out, each family's colour fixed by its place in families
// so that it keeps it on every data set.
func rdCurves(s *Summary, families *[]string) []*rdCurve {
	byFamily := map[string]*rdCurve{}
	var curves []*rdCurve
	for _, r := range s.Rows {
		if r.Family == "" || r.Failed > 0 || r.Images == 0 {
			continue
		}
		c := byFamily[r.Family]
		if c == nil {
			i := slices.Index(*families, r.Family)
			if i < 0 {
				i = len(*families)
				*families = append(*families, r.Family)
			}
			c = &rdCurve{family: r.Family, colorIndex: i}
			byFamily[r.Family] = c
			curves = append(curves, c)
		}
		c.points = append(c.points, rdPoint{r.MeanBPP(), r.MeanPSNR(), r.MeanMSSSIM()})
	}
	for _, c := range curves {
		slices.SortFunc(c.points, func(a, b rdPoint) int { return cmp.Compare(a.bpp, b.bpp) })
	}
	return curves
}

// WriteRDPlot draws a lossy benchmark's rate-distortion curves as an SVG
// image: for each data set, PSNR and MS-SSIM against bits per pixel (log
// scale), a line through each codec's operating points, so that a curve
// above another gives a better picture for the bytes. Codecs that failed
// on an image are left out.
func WriteRDPlot(w io.Writer, sums []*Summary) error {
	var families []string
	curves := make([][]*rdCurve, len(sums))
	for i, s := range sums {
		curves[i] = rdCurves(s, &families)
	}
	width, height := 2*rdPanelW+rdLegendW, rdTitleH+len(sums)*rdPanelH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="%d">`+"\n",
		width, height, width, height, labelFont)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold">Lossy compression: quality against bits per pixel</text>`+"\n", marginL)
	for i, s := range sums {
		top := float64(rdTitleH + i*rdPanelH)
		for k, metric := range []string{"PSNR (dB)", "MS-SSIM"} {
			rdPanel(&b, float64(k*rdPanelW), top, fmt.Sprintf("%s: %s", s.Dataset, metric), curves[i], k == 1)
		}
	}
	for i, f := range families {
		x, y := float64(2*rdPanelW+16), float64(rdTitleH+30+20*i)
		c := plotColors[i%len(plotColors)]
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="2"/>`+"\n", x-10, y, x+10, y, c)
		b.WriteString(marker(x, y, i) + "\n")
		fmt.Fprintf(&b, `<text x="%g" y="%g">%s</text>`+"\n", x+18, y+4, html.EscapeString(f))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// rdPanel draws one panel with its top left corner at (left, top): the
// curves' PSNR, or with msssim their MS-SSIM, against bits per pixel.
func rdPanel(b *strings.Builder, left, top float64, title string, curves []*rdCurve, msssim bool) {
	x0, x1 := left+60, left+rdPanelW-16
	y0, y1 := top+rdPanelH-56, top+28
	// xy[i] are curve i's points that have the panel's quality: bits per
	// pixel and quality.
	xy := make([][][2]float64, len(curves))
	lo, hi, qlo, qhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, c := range curves {
		for _, p := range c.points {
			q := p.psnr
			if msssim {
				q = p.msssim
			}
			if !math.IsNaN(q) {
				xy[i] = append(xy[i], [2]float64{p.bpp, q})
				lo, hi = min(lo, p.bpp), max(hi, p.bpp)
				qlo, qhi = min(qlo, q), max(qhi, q)
			}
		}
	}
	fmt.Fprintf(b, `<text x="%g" y="%g" font-size="13" font-weight="bold">%s</text>`+"\n", x0, y1-10, html.EscapeString(title))
	if math.IsInf(lo, 1) {
		fmt.Fprintf(b, `<text x="%g" y="%g" fill="#666">no codec has a value here (MS-SSIM needs 161 pixels a side)</text>`+"\n", x0, (y0+y1)/2)
		return
	}
	llo, lhi := logRange(lo, hi, 0.05)
	step := niceStep((qhi - qlo) / 6)
	ylo, yhi := math.Floor(qlo/step)*step, math.Ceil(qhi/step)*step
	if yhi <= ylo {
		ylo, yhi = ylo-step, yhi+step
	}
	px := func(v float64) float64 { return x0 + (math.Log10(v)-llo)/(lhi-llo)*(x1-x0) }
	py := func(v float64) float64 { return y0 + (v-ylo)/(yhi-ylo)*(y1-y0) }

	fmt.Fprintf(b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#333"/>`+"\n", x0, y1, x1-x0, y0-y1)
	logAxis(b, llo, lhi, px, y0, y1)
	linearAxis(b, ylo, yhi, step, py, x0, x1)
	fmt.Fprintf(b, `<text x="%g" y="%g" text-anchor="middle" font-size="12">bits per pixel (log scale)</text>`+"\n", (x0+x1)/2, y0+40)
	for i, c := range curves {
		if len(xy[i]) > 1 {
			path := make([]string, len(xy[i]))
			for k, p := range xy[i] {
				path[k] = fmt.Sprintf("%.1f,%.1f", px(p[0]), py(p[1]))
			}
			fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", strings.Join(path, " "), plotColors[c.colorIndex%len(plotColors)])
		}
		for _, p := range xy[i] {
			b.WriteString(marker(px(p[0]), py(p[1]), c.colorIndex) + "\n")
		}
	}
}
