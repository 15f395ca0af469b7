package bench

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestWriteRDPlot draws two families on two data sets, one family failing
// an image on the second, and checks the lines drawn: each family's points
// left to right by rate, in the same colour on every data set, MS-SSIM's
// panel without the point whose images had none.
func TestWriteRDPlot(t *testing.T) {
	var results []Result
	add := func(set, family string, q int, bytes int64, psnr, msssim float64, failure string) {
		results = append(results, Result{Dataset: set, Image: "a", Codec: fmt.Sprintf("%s q%d", family, q),
			Pixels: 1000, SubPixels: 3000, Bytes: bytes, PSNR: psnr, MSSSIM: msssim, Family: family, Failure: failure})
	}
	// pxcz's points arrive out of rate order.
	add("photos", "pxcz", 50, 60, 27, 0.95, "")
	add("photos", "pxcz", 10, 20, 24, 0.90, "")
	add("photos", "pxcz", 90, 120, 29, 0, "")
	add("photos", "jpeg", 5, 30, 22, 0.85, "")
	add("photos", "jpeg", 50, 90, 28, 0.96, "")
	add("tiny", "jpeg", 5, 40, 20, 0, "")
	add("tiny", "jpeg", 50, 80, 25, 0, "")
	add("tiny", "pxcz", 10, 30, 21, 0, "cannot")
	var buf bytes.Buffer
	if err := WriteRDPlot(&buf, Summarize(results)); err != nil {
		t.Fatal(err)
	}
	var lines []string // each polyline's colour and points
	for _, e := range svgElements(t, buf.Bytes()) {
		if e.Name.Local != "polyline" {
			continue
		}
		var stroke, points string
		for _, a := range e.Attr {
			switch a.Name.Local {
			case "stroke":
				stroke = a.Value
			case "points":
				points = a.Value
			}
		}
		var xs []float64
		for _, p := range strings.Fields(points) {
			var x, y float64
			fmt.Sscanf(p, "%g,%g", &x, &y)
			xs = append(xs, x)
		}
		for i := 1; i < len(xs); i++ {
			if xs[i] <= xs[i-1] {
				t.Errorf("a %s line runs right to left: %s", stroke, points)
			}
		}
		lines = append(lines, fmt.Sprintf("%s:%d", stroke, len(xs)))
	}
	pxcz, jpeg := plotColors[0], plotColors[1]
	want := []string{
		pxcz + ":3", jpeg + ":2", // photos, PSNR
		pxcz + ":2", jpeg + ":2", // photos, MS-SSIM: pxcz q90 had none
		jpeg + ":2", // tiny, PSNR: pxcz failed
		// tiny, MS-SSIM: no image had one
	}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
}
