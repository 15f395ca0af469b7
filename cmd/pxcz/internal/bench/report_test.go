package bench

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func knownReport() *Report {
	return &Report{Summaries: Summarize(knownResults()), Jobs: 2, Notes: []string{"cjxl -d 0 -e 9: skipped, cjxl not found"}}
}

func TestReportText(t *testing.T) {
	var buf bytes.Buffer
	if err := knownReport().Write(&buf, "text"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"set: 2 images, 0.0002 megapixels, 400 sub-pixels\n",
		"pxcz            4.000        0.625×     0.000100    0.0000500\n",
		"peerB           6.400        1.000×     0.000200     0.000200\n",
		"peerC      FAILED 1/2             —     0.000100     0.000100\n",
		"!! peerC FAILED on 1 of 2 images, e.g. b: round trip changed the pixels\n",
		"2 images at a time",
		"Note: cjxl -d 0 -e 9: skipped, cjxl not found\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text table lacks %q:\n%s", want, out)
		}
	}
}

func TestReportMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := knownReport().Write(&buf, "markdown"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"| codec | bits/sub-pixel | vs best peer | encode MP/s | decode MP/s |\n|:--|--:|--:|--:|--:|\n",
		"| **pxcz** | 4.000 | 0.625× | 0.000100 | 0.0000500 |\n",
		"| peerA | 8.000 | 1.250× | 0.00100 | 0.00100 |\n",
		"| peerC | **FAILED 1/2** | — | 0.000100 | 0.000100 |\n",
		"*Bits per sub-pixel: total compressed bytes × 8 / total sub-pixels",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestReportCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := knownReport().Write(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"dataset", "codec", "images", "failed", "bytes", "sub_pixels", "bits_per_sub_pixel", "relative_to_best_peer", "encode_mp_per_s", "decode_mp_per_s", "max_error", "psnr_db"},
		{"set", "pxcz", "2", "0", "200", "400", "4", "0.625", "0.0001", "5e-05", "0", ""},
		{"set", "peerA", "2", "0", "400", "400", "8", "1.25", "0.001", "0.001", "0", ""},
		{"set", "peerB", "2", "0", "320", "400", "6.4", "1", "0.0002", "0.0002", "0", ""},
		{"set", "peerC", "1", "1", "100", "300", "2.66667", "", "0.0001", "0.0001", "0", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i := range want {
		if strings.Join(rows[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestReportJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := knownReport().Write(&buf, "json"); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Caption  string
		Notes    []string
		Datasets []struct {
			Name     string
			BestPeer string `json:"best_peer"`
			Codecs   []struct {
				Codec    string
				Failed   int
				Bits     float64  `json:"bits_per_sub_pixel"`
				Relative *float64 `json:"relative_to_best_peer"`
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Caption == "" || len(got.Notes) != 1 || len(got.Datasets) != 1 {
		t.Fatalf("caption %q, %d notes, %d data sets", got.Caption, len(got.Notes), len(got.Datasets))
	}
	d := got.Datasets[0]
	if d.Name != "set" || d.BestPeer != "peerB" || len(d.Codecs) != 4 {
		t.Fatalf("data set %+v", d)
	}
	if c := d.Codecs[0]; c.Codec != Subject || c.Bits != 4 || c.Relative == nil || *c.Relative != 0.625 {
		t.Errorf("pxcz %+v", c)
	}
	if c := d.Codecs[3]; c.Failed != 1 || c.Relative != nil {
		t.Errorf("failed peerC has a relative size: %+v", c)
	}
}

func TestReportUnknownFormat(t *testing.T) {
	if err := knownReport().Write(new(bytes.Buffer), "html"); err == nil || !strings.Contains(err.Error(), "html") {
		t.Errorf("error %v", err)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aa bb cc dd", 5)
	if got != "aa bb\ncc dd" {
		t.Errorf("wrap = %q", got)
	}
}
