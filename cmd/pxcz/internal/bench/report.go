package bench

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Report is a benchmark's outcome as it is written out.
type Report struct {
	Summaries []*Summary
	// Jobs is how many images ran at once, which the caption states.
	Jobs int
	// Notes go under the table: the model used, peers skipped, files left
	// out.
	Notes []string
}

// Formats are the table formats Write knows.
var Formats = []string{"text", "markdown", "csv", "json"}

// Caption says how every figure in the table was measured.
func (rep *Report) Caption() string {
	return "Bits per sub-pixel: total compressed bytes × 8 / total sub-pixels " +
		"(width × height × channels: 3 for RGB, 1 for gray, 4 for RGBA) over the data set, " +
		"counting whole files, headers included. " +
		"vs best peer: total size relative to the smallest other codec that round-tripped every image. " +
		rep.exactness() +
		fmt.Sprintf("Speeds: megapixels per second of wall-clock time on one thread per image, %d %s at a time; ",
			rep.Jobs, plural(rep.Jobs, "image", "images")) +
		"command-line peers' times include process start and file I/O, " +
		"and PNG optimizers' decode times are Go's image/png."
}

// exactness is the caption's sentence on what a round trip must give back.
func (rep *Report) exactness() string {
	for _, s := range rep.Summaries {
		if s.nearLossless() {
			return "Every result is a round trip whose decoded pixels equal the original exactly, " +
				"except a near-lossless codec's (\"max error\": the largest difference of a sub-pixel over the data set, " +
				"which pxcz guarantees; PSNR over all its sub-pixels, from their mean squared difference). "
		}
	}
	return "Every result is a round trip whose decoded pixels equal the original exactly. "
}

// Write writes the report as format, one of Formats.
func (rep *Report) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return rep.writeText(w)
	case "markdown":
		return rep.writeMarkdown(w)
	case "csv":
		return rep.writeCSV(w)
	case "json":
		return rep.writeJSON(w)
	}
	return fmt.Errorf("unknown format %q, want one of %s", format, strings.Join(Formats, ", "))
}

var headers = []string{"codec", "bits/sub-pixel", "vs best peer", "encode MP/s", "decode MP/s"}

// errorHeaders are the columns a table with a near-lossless codec adds.
var errorHeaders = []string{"max error", "PSNR dB"}

// headings are s's table's column headings.
func (s *Summary) headings() []string {
	if s.nearLossless() {
		return append(append([]string(nil), headers...), errorHeaders...)
	}
	return headers
}

// cells formats one row for the text and markdown tables; a failed codec
// shows how often it failed where its size would be.
func (s *Summary) cells(r Row) []string {
	bits := strconv.FormatFloat(r.BitsPerSubPixel(), 'f', 3, 64)
	if r.Failed > 0 {
		bits = fmt.Sprintf("FAILED %d/%d", r.Failed, r.Failed+r.Images)
	}
	rel := "—"
	if x, ok := s.Relative(r); ok {
		rel = strconv.FormatFloat(x, 'f', 3, 64) + "×"
	}
	cells := []string{r.Codec, bits, rel, speed(r.EncodeMPS()), speed(r.DecodeMPS())}
	if s.nearLossless() {
		psnr := "∞"
		if p := r.PSNR(); !math.IsInf(p, 1) {
			psnr = strconv.FormatFloat(p, 'f', 2, 64)
		}
		cells = append(cells, strconv.Itoa(r.MaxError), psnr)
	}
	return cells
}

// heading describes a data set in one line.
func (s *Summary) heading() string {
	return fmt.Sprintf("%s: %d %s, %.3g megapixels, %d sub-pixels",
		s.Dataset, s.Images, plural(s.Images, "image", "images"), float64(s.Pixels)/1e6, s.SubPixels)
}

// failures lists every failed codec's reasons, for under its table.
func (s *Summary) failures() []string {
	var out []string
	for _, r := range s.Rows {
		if r.Failed > 0 {
			out = append(out, fmt.Sprintf("%s FAILED on %d of %d images, e.g. %s",
				r.Codec, r.Failed, r.Failed+r.Images, strings.Join(r.Failures, "; ")))
		}
	}
	return out
}

func (rep *Report) writeText(w io.Writer) error {
	var b strings.Builder
	for i, s := range rep.Summaries {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s.heading() + "\n")
		table := [][]string{s.headings()}
		for _, r := range s.Rows {
			table = append(table, s.cells(r))
		}
		writeColumns(&b, table)
		for _, f := range s.failures() {
			b.WriteString("!! " + f + "\n")
		}
	}
	b.WriteString("\n" + wrap(rep.Caption(), 78) + "\n")
	for _, n := range rep.Notes {
		b.WriteString("Note: " + n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeColumns lays a table out in columns: the first left-aligned, the
// others right-aligned.
func writeColumns(b *strings.Builder, table [][]string) {
	width := make([]int, len(table[0]))
	for _, row := range table {
		for c, cell := range row {
			width[c] = max(width[c], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range table {
		for c, cell := range row {
			pad := strings.Repeat(" ", width[c]-utf8.RuneCountInString(cell))
			if c == 0 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString("  " + pad + cell)
			}
		}
		b.WriteString("\n")
	}
}

func (rep *Report) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	for _, s := range rep.Summaries {
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(s.heading()))
		hs := s.headings()
		b.WriteString("| " + strings.Join(hs, " | ") + " |\n|:--" + strings.Repeat("|--:", len(hs)-1) + "|\n")
		for _, r := range s.Rows {
			c := s.cells(r)
			for i := range c {
				c[i] = mdEscape(c[i])
			}
			if r.Codec == Subject {
				c[0] = "**" + c[0] + "**"
			}
			if r.Failed > 0 {
				c[1] = "**" + c[1] + "**"
			}
			b.WriteString("| " + strings.Join(c, " | ") + " |\n")
		}
		for _, f := range s.failures() {
			b.WriteString("\n> **" + mdEscape(f) + "**\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("*" + mdEscape(rep.Caption()) + "*\n")
	for _, n := range rep.Notes {
		b.WriteString("\n- " + mdEscape(n))
	}
	if len(rep.Notes) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (rep *Report) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"dataset", "codec", "images", "failed", "bytes", "sub_pixels", "bits_per_sub_pixel",
		"relative_to_best_peer", "encode_mp_per_s", "decode_mp_per_s", "max_error", "psnr_db"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	for _, s := range rep.Summaries {
		for _, r := range s.Rows {
			rel, psnr := "", ""
			if x, ok := s.Relative(r); ok {
				rel = f(x)
			}
			if p := r.PSNR(); !math.IsInf(p, 1) {
				psnr = f(p)
			}
			cw.Write([]string{s.Dataset, r.Codec, strconv.Itoa(r.Images), strconv.Itoa(r.Failed),
				strconv.FormatInt(r.Bytes, 10), strconv.FormatInt(r.SubPixels, 10), f(r.BitsPerSubPixel()),
				rel, f(r.EncodeMPS()), f(r.DecodeMPS()), strconv.Itoa(r.MaxError), psnr})
		}
	}
	cw.Flush()
	return cw.Error()
}

type jsonRow struct {
	Codec           string   `json:"codec"`
	Images          int      `json:"images"`
	Failed          int      `json:"failed"`
	Failures        []string `json:"failures,omitempty"`
	Bytes           int64    `json:"bytes"`
	SubPixels       int64    `json:"sub_pixels"`
	BitsPerSubPixel float64  `json:"bits_per_sub_pixel"`
	Relative        *float64 `json:"relative_to_best_peer"`
	EncodeMPS       float64  `json:"encode_mp_per_s"`
	DecodeMPS       float64  `json:"decode_mp_per_s"`
	EncodeSeconds   float64  `json:"encode_seconds"`
	DecodeSeconds   float64  `json:"decode_seconds"`
	MaxError        int      `json:"max_error"`
	PSNR            *float64 `json:"psnr_db,omitempty"` // absent when exact
}

type jsonSet struct {
	Name      string    `json:"name"`
	Images    int       `json:"images"`
	Pixels    int64     `json:"pixels"`
	SubPixels int64     `json:"sub_pixels"`
	BestPeer  string    `json:"best_peer,omitempty"`
	Codecs    []jsonRow `json:"codecs"`
}

func (rep *Report) writeJSON(w io.Writer) error {
	out := struct {
		Caption  string    `json:"caption"`
		Notes    []string  `json:"notes,omitempty"`
		Datasets []jsonSet `json:"datasets"`
	}{Caption: rep.Caption(), Notes: rep.Notes}
	for _, s := range rep.Summaries {
		js := jsonSet{Name: s.Dataset, Images: s.Images, Pixels: s.Pixels, SubPixels: s.SubPixels}
		if s.Best != nil {
			js.BestPeer = s.Best.Codec
		}
		for _, r := range s.Rows {
			jr := jsonRow{
				Codec: r.Codec, Images: r.Images, Failed: r.Failed, Failures: r.Failures,
				Bytes: r.Bytes, SubPixels: r.SubPixels, BitsPerSubPixel: r.BitsPerSubPixel(),
				EncodeMPS: r.EncodeMPS(), DecodeMPS: r.DecodeMPS(),
				EncodeSeconds: r.Encode.Seconds(), DecodeSeconds: r.Decode.Seconds(),
			}
			if x, ok := s.Relative(r); ok {
				jr.Relative = &x
			}
			if p := r.PSNR(); !math.IsInf(p, 1) {
				jr.MaxError, jr.PSNR = r.MaxError, &p
			}
			js.Codecs = append(js.Codecs, jr)
		}
		out.Datasets = append(out.Datasets, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// speed formats megapixels per second to three significant digits, without
// an exponent, which would hide the difference between slow codecs.
func speed(x float64) string {
	if x <= 0 {
		return "—"
	}
	decimals := max(0, 2-int(math.Floor(math.Log10(x))))
	return strconv.FormatFloat(x, 'f', decimals, 64)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// mdEscape keeps text from being read as Markdown table or emphasis
// syntax. Underscores are left alone: within words, as in tool names, they
// emphasize nothing.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`).Replace(s)
}

// wrap breaks text into lines of at most width runes at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		l := utf8.RuneCountInString(word)
		if i > 0 {
			if n+1+l > width {
				b.WriteString("\n")
				n = 0
			} else {
				b.WriteString(" ")
				n++
			}
		}
		b.WriteString(word)
		n += l
	}
	return b.String()
}
