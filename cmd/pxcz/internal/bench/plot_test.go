package bench

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

// svgElements parses an SVG document, failing the test if it is not
// well-formed XML, and returns its elements in order.
func svgElements(t *testing.T, doc []byte) []xml.StartElement {
	t.Helper()
	var els []xml.StartElement
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return els
		}
		if err != nil {
			t.Fatalf("plot is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			els = append(els, se.Copy())
		}
	}
}

func attr(e xml.StartElement, name string) float64 {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			v, _ := strconv.ParseFloat(a.Value, 64)
			return v
		}
	}
	return -1
}

func TestWritePlot(t *testing.T) {
	sums := Summarize(knownResults())
	var buf bytes.Buffer
	if err := WritePlot(&buf, sums); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	els := svgElements(t, buf.Bytes())
	// The first data set's points are circles, in row order, less the
	// failed peerC.
	var circles []xml.StartElement
	for _, e := range els {
		if e.Name.Local == "circle" {
			circles = append(circles, e)
		}
	}
	if len(circles) != 3+1 { // pxcz, peerA, peerB and the legend's marker
		t.Fatalf("%d circles, want 4", len(circles))
	}
	px, pa, pb := circles[0], circles[1], circles[2]
	// Decode speeds: pxcz 5e-5 < peerB 2e-4 < peerA 1e-3 MP/s, left to right.
	if !(attr(px, "cx") < attr(pb, "cx") && attr(pb, "cx") < attr(pa, "cx")) {
		t.Errorf("x order wrong: pxcz %v, peerB %v, peerA %v", attr(px, "cx"), attr(pb, "cx"), attr(pa, "cx"))
	}
	// Bits: pxcz 4 < peerB 6.4 < peerA 8, bottom to top.
	if !(attr(px, "cy") > attr(pb, "cy") && attr(pb, "cy") > attr(pa, "cy")) {
		t.Errorf("y order wrong: pxcz %v, peerB %v, peerA %v", attr(px, "cy"), attr(pb, "cy"), attr(pa, "cy"))
	}
	for _, want := range []string{">pxcz</text>", ">peerA</text>", ">peerB</text>", ">set</text>", "left out (failed or untimed): peerC on set", ">0.0001</text>", "bits per sub-pixel</text>"} {
		if !strings.Contains(doc, want) {
			t.Errorf("plot lacks %q", want)
		}
	}
}

func TestWritePlotEscapesAndEmpty(t *testing.T) {
	sums := []*Summary{{Dataset: "a<b&c", Rows: []Row{{Codec: "x\"y", Failed: 1}}}}
	var buf bytes.Buffer
	if err := WritePlot(&buf, sums); err != nil {
		t.Fatal(err)
	}
	svgElements(t, buf.Bytes())
	if !strings.Contains(buf.String(), "a&lt;b&amp;c") {
		t.Error("data set name not escaped")
	}
}

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ raw, want float64 }{
		{0.7, 1}, {1, 1}, {1.1, 2}, {3, 5}, {6, 10}, {0.03, 0.05}, {0, 1}, {-1, 1},
	} {
		if got := niceStep(tt.raw); got != tt.want {
			t.Errorf("niceStep(%v) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}
