package container

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// fp is the model fingerprint the tests use.
var fp = [4]byte{0x9a, 0x3c, 0x5e, 0x71}

// plainReader hides everything but Read (ReadByte, Len, Seek), as a pipe
// would.
type plainReader struct{ io.Reader }

// golden pins the byte layout: if one of these changes, the format changed,
// and Version and FORMAT.md must change with it. The first two are
// FORMAT.md's worked examples; the CRC 20ad41a3 is that of 32x32 RGB
// all-zero pixels (zeroCRC), of which a version 4 header keeps 41a3.
// Version 2 headers are version 3's with another version byte; they and
// version 1 and 3 headers must keep reading, and writing, as they always
// have.
var golden = []struct {
	name string
	h    Header
	hex  string
}{
	{"version 5: 32x32 RGB lossless, class 7, model number 12",
		Header{Version: 5, Width: 32, Height: 32, Layout: RGB, Mixed: true, Params: 3, ModelNumber: 12, Streams: []int64{-1}, CRC: zeroCRC & 0xffff,
			Extensions: []Extension{{Tag: ExtClass, Data: []byte{7}}}},
		"50585a" + "05" + "6e" + "20" + "20" + "0c" + "a341" + "01" + "01" + "01" + "07"},
	{"version 5: 300x200 RGBA lossy with metadata, 3 substreams",
		Header{Version: 5, Width: 300, Height: 200, Layout: RGBA, Mode: Lossy, Mixed: true, Params: 5, Model: [4]byte{1, 2, 3, 4}, Streams: []int64{200, 1000, -1}, CRC: 0xdeadbeef,
			Extensions: []Extension{{Tag: ExtLossy, Data: []byte{9}}, {Tag: ExtMetadata, Data: []byte("abc")}}},
		"50585a" + "05" + "b7" + "ac02" + "c801" + "03" + "c801" + "e807" + "01020304" + "efbeadde" + "02" + "04" + "01" + "09" + "81" + "03" + "616263"},
	{"version 5 without extensions: version 4's bytes",
		Header{Version: 5, Width: 32, Height: 32, Layout: RGB, Mixed: true, Params: 3, ModelNumber: 4, Streams: []int64{-1}, CRC: zeroCRC & 0xffff},
		"50585a" + "05" + "6a" + "20" + "20" + "04" + "a341"},
	{"32x32 RGB lossless, coding parameters 3, model number 4",
		Header{Version: 4, Width: 32, Height: 32, Layout: RGB, Mixed: true, Params: 3, ModelNumber: 4, Streams: []int64{-1}, CRC: zeroCRC & 0xffff},
		"50585a" + "04" + "6a" + "20" + "20" + "04" + "a341"},
	{"300x200 RGBA lossy, coding parameters 5, 3 substreams",
		Header{Version: 4, Width: 300, Height: 200, Layout: RGBA, Mode: Lossy, Mixed: true, Params: 5, Model: [4]byte{1, 2, 3, 4}, Streams: []int64{200, 1000, -1}, CRC: 0xdeadbeef},
		"50585a" + "04" + "b7" + "ac02" + "c801" + "03" + "c801" + "e807" + "01020304" + "efbeadde"},
	{"64x64 gray, model fingerprint: the largest image with a short CRC",
		Header{Version: 4, Width: 64, Height: 64, Layout: Gray, Mixed: true, Model: fp, Streams: []int64{-1}, CRC: 0xbeef},
		"50585a" + "04" + "01" + "40" + "40" + "9a3c5e71" + "efbe"},
	{"17x241 RGB, model number 1: one pixel more",
		Header{Version: 4, Width: 17, Height: 241, Layout: RGB, Mixed: true, ModelNumber: 1, Streams: []int64{-1}, CRC: 0xdeadbeef},
		"50585a" + "04" + "0a" + "11" + "f101" + "01" + "efbeadde"},
	{"32x32 RGB lossless, mixed, coding parameters 3, model number 4",
		Header{Version: 3, Width: 32, Height: 32, Layout: RGB, Mixed: true, Params: 3, ModelNumber: 4, Streams: []int64{-1}, CRC: 0x20ad41a3},
		"50585a" + "03" + "d3" + "03" + "20" + "20" + "04" + "a341ad20"},
	{"300x200 RGBA lossy, 3 substreams",
		Header{Version: 3, Width: 300, Height: 200, Layout: RGBA, Mode: Lossy, Model: [4]byte{1, 2, 3, 4}, Streams: []int64{200, 1000, -1}, CRC: 0xdeadbeef},
		"50585a" + "03" + "2c" + "ac02" + "c801" + "03" + "c801" + "e807" + "01020304" + "efbeadde"},
	{"32x32 RGB lossless, mixed, model fingerprint",
		Header{Version: 3, Width: 32, Height: 32, Layout: RGB, Mixed: true, Model: fp, Streams: []int64{-1}, CRC: 0x20ad41a3},
		"50585a" + "03" + "43" + "20" + "20" + "9a3c5e71" + "a341ad20"},
	{"32x32 RGB lossy, model number 255",
		Header{Version: 3, Width: 32, Height: 32, Layout: RGB, Mode: Lossy, ModelNumber: 255, Streams: []int64{-1}, CRC: 0x20ad41a3},
		"50585a" + "03" + "1b" + "20" + "20" + "ff" + "a341ad20"},
	{"version 2: 32x32 RGB lossless, mixed, coding parameters 3, model number 4",
		Header{Version: 2, Width: 32, Height: 32, Layout: RGB, Mixed: true, Params: 3, ModelNumber: 4, Streams: []int64{-1}, CRC: 0x20ad41a3},
		"50585a" + "02" + "d3" + "03" + "20" + "20" + "04" + "a341ad20"},
	{"version 2: 300x200 RGBA lossy, 3 substreams",
		Header{Version: 2, Width: 300, Height: 200, Layout: RGBA, Mode: Lossy, Model: [4]byte{1, 2, 3, 4}, Streams: []int64{200, 1000, -1}, CRC: 0xdeadbeef},
		"50585a" + "02" + "2c" + "ac02" + "c801" + "03" + "c801" + "e807" + "01020304" + "efbeadde"},
	{"version 1: 32x32 RGB lossless",
		Header{Version: 1, Width: 32, Height: 32, Layout: RGB, Model: fp, Streams: []int64{-1}, CRC: 0x20ad41a3},
		"50585a" + "01" + "03" + "20" + "20" + "9a3c5e71" + "a341ad20"},
	{"version 1: 300x200 RGBA lossy, 3 substreams",
		Header{Version: 1, Width: 300, Height: 200, Layout: RGBA, Mode: Lossy, Model: [4]byte{1, 2, 3, 4}, Streams: []int64{200, 1000, -1}, CRC: 0xdeadbeef},
		"50585a" + "01" + "2c" + "ac02" + "c801" + "03" + "c801" + "e807" + "01020304" + "efbeadde"},
	{"version 1: 32x32 RGB lossless, mixed",
		Header{Version: 1, Width: 32, Height: 32, Layout: RGB, Mixed: true, Model: fp, Streams: []int64{-1}, CRC: 0x20ad41a3},
		"50585a" + "01" + "43" + "20" + "20" + "9a3c5e71" + "a341ad20"},
	{"version 1: 32x32 RGB lossless, mixed, coding parameters 3",
		Header{Version: 1, Width: 32, Height: 32, Layout: RGB, Mixed: true, Params: 3, Model: fp, Streams: []int64{-1}, CRC: 0x20ad41a3},
		"50585a" + "01" + "c3" + "03" + "20" + "20" + "9a3c5e71" + "a341ad20"},
}

func TestGolden(t *testing.T) {
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			want, err := hex.DecodeString(g.hex)
			if err != nil {
				t.Fatal(err)
			}
			got, err := g.h.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("MarshalBinary = %x, want %x", got, want)
			}
			back, err := ReadHeader(plainReader{bytes.NewReader(want)})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*back, g.h) {
				t.Fatalf("ReadHeader = %+v, want %+v", *back, g.h)
			}
		})
	}
}

// zeroCRC is the CRC-32C of 32x32 RGB all-zero pixels.
const zeroCRC = 0x20ad41a3

func TestGoldenCRC(t *testing.T) {
	got := PixelCRC(make([]byte, 32*32*3))
	if got != zeroCRC {
		t.Fatalf("CRC of 32x32 RGB zeros = %08x, FORMAT.md says %08x", got, uint32(zeroCRC))
	}
	if h := golden[0].h; !h.MatchCRC(got) || h.MatchCRC(got^0x8000) {
		t.Fatalf("a short CRC of %04x should match %08x and nothing that differs in its low 16 bits", h.CRC, got)
	}
}

// TestSizeBudget holds the header to the budget the codec was designed
// around: 10 bytes besides the payload for 32x32 RGB coded by a built-in
// model in any orientation, whose 3,072 sub-pixels it costs 0.026 bits
// each, and 13 with a fingerprint instead of a model number.
func TestSizeBudget(t *testing.T) {
	for _, c := range []struct {
		w, h    int
		number  byte
		streams []int64
		want    int
	}{
		{32, 32, 4, []int64{-1}, 10},
		{32, 32, 0, []int64{-1}, 13},
		{1, 1, 1, []int64{-1}, 10},
		{127, 127, 0, []int64{-1}, 15}, // over ShortCRCPixels: a 4-byte CRC
		{128, 1, 0, []int64{-1}, 14},
		{MaxDimension, 4096, 0, []int64{-1}, 18}, // 3- and 2-byte uvarints
		{32, 32, 0, []int64{100, -1}, 15},        // flag + count + one length
		{32, 32, 0, []int64{200, 9, -1}, 17},     // lengths of 128 and up take 2 bytes
	} {
		h := Header{Width: c.w, Height: c.h, Layout: RGB, Mixed: true, Params: 7, Model: fp, ModelNumber: c.number, Streams: c.streams}
		b, err := h.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != c.want {
			t.Errorf("%dx%d RGB header, model number %d, %d substreams: %d bytes, want %d", c.w, c.h, c.number, len(c.streams), len(b), c.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	sizes := [][2]int{{1, 1}, {32, 32}, {127, 128}, {MaxDimension, 1}, {1, MaxDimension}, {16384, 16384}, {MaxDimension, MaxPixels / MaxDimension}}
	streams := [][]int64{
		{0},
		{1234},
		{0, 0},
		{5, 0, 7},
		{MaxPayload, 3},
		{MaxPayload / 2, MaxPayload / 2, 0},
		squares(MaxStreams),
	}
	// How a header names its model: every version by fingerprint, from
	// version 2 on by number.
	namings := []struct {
		version int
		number  byte
	}{{1, 0}, {2, 0}, {2, 1}, {2, 255}, {3, 1}, {4, 0}, {4, 1}, {4, 255}, {5, 0}, {5, 3}}
	for _, l := range []Layout{Gray, RGB, RGBA} {
		for _, m := range []Mode{Lossless, Lossy} {
			for _, sz := range sizes {
				for _, s := range streams {
					for _, n := range namings {
						h := Header{Version: n.version, Width: sz[0], Height: sz[1], Layout: l, Mode: m, Mixed: true, Params: byte(len(s) & 7), ModelNumber: n.number, Streams: s, CRC: uint32(sz[0])*2654435761 ^ uint32(len(s))}
						if n.number == 0 {
							h.Model = fp
						}
						if h.shortCRC() {
							h.CRC &= 0xffff // all a short CRC reads back
						}
						if n.version >= 5 {
							if m == Lossy {
								h.SetExtension(ExtLossy, []byte{1, 2})
							}
							if len(s) > 2 {
								h.SetExtension(ExtMetadata, bytes.Repeat([]byte{0xa5}, 300))
								h.SetExtension(ExtClass, []byte{3})
							}
						}
						t.Run(fmt.Sprintf("%v/%v/%dx%d/%d/v%d-%d", l, m, sz[0], sz[1], len(s), n.version, n.number), func(t *testing.T) { roundTrip(t, h) })
					}
				}
			}
		}
	}
}

// squares returns n substream lengths 0, 1, 4, 9, ...: a mix of one-,
// two- and three-byte uvarints.
func squares(n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = int64(i * i)
	}
	return s
}

// roundTrip writes h and reads it back from a file with a payload, where
// the last substream length is known, and from a bare reader, where it is
// not and the reader must stop exactly at the header's end.
func roundTrip(t *testing.T, h Header) {
	t.Helper()
	b, err := h.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, l := range h.Streams {
		total += l
	}
	if total < 1<<20 { // only payloads small enough to allocate
		file := append(bytes.Clone(b), make([]byte, total)...)
		got, err := ReadHeader(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, h) {
			t.Fatalf("ReadHeader(file) = %+v, want %+v", *got, h)
		}
	}
	const marker = "payload"
	r := strings.NewReader(string(b) + marker)
	got, err := ReadHeader(plainReader{r})
	if err != nil {
		t.Fatal(err)
	}
	want := h
	want.Streams = slices.Clone(h.Streams)
	want.Streams[len(want.Streams)-1] = -1
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("ReadHeader(bare reader) = %+v, want %+v", *got, want)
	}
	if r.Len() != len(marker) {
		t.Fatalf("ReadHeader left %d bytes unread, want the %d-byte payload", r.Len(), len(marker))
	}
}

func TestMarshalErrors(t *testing.T) {
	ok := Header{Width: 32, Height: 32, Layout: RGB, Mixed: true, Model: fp, Streams: []int64{-1}}
	for _, c := range []struct {
		name   string
		edit   func(*Header)
		target error
		msg    string
	}{
		{"layout 0", func(h *Header) { h.Layout = 0 }, ErrLayout, "layout 0"},
		{"layout 2", func(h *Header) { h.Layout = 2 }, ErrLayout, "want 1 Gray, 3 RGB or 4 RGBA"},
		{"layout 5", func(h *Header) { h.Layout = 5 }, ErrLayout, "layout 5"},
		{"mode 2", func(h *Header) { h.Mode = 2 }, ErrMode, "mode 2"},
		{"version 6", func(h *Header) { h.Version = 6 }, ErrVersion, "version 6 (this package reads versions 1 to 5)"},
		{"extensions in version 4", func(h *Header) { h.Version, h.Extensions = 4, []Extension{{Tag: ExtClass}} }, ErrVersion, "extensions need version 5"},
		{"extensions out of order", func(h *Header) { h.Extensions = []Extension{{Tag: ExtMaxError}, {Tag: ExtClass}} }, ErrExtension, "tag 0x01 after 0x02"},
		{"repeated extension", func(h *Header) { h.Extensions = []Extension{{Tag: ExtClass}, {Tag: ExtClass}} }, ErrExtension, "strictly ascending"},
		{"too many extensions", func(h *Header) {
			for i := range MaxExtensions + 1 {
				h.Extensions = append(h.Extensions, Extension{Tag: byte(i)})
			}
		}, ErrExtension, "33 extensions"},
		{"lossy without its extension", func(h *Header) { h.Mode = Lossy }, ErrExtension, "mode Lossy without a lossy extension"},
		{"unmixed version 4", func(h *Header) { h.Mixed = false }, ErrMalformed, "every version 4 payload is mixed"},
		{"parameters 8 in version 4", func(h *Header) { h.Params = 8 }, ErrMalformed, "coding parameters 0x08; version 4 carries at most 7"},
		{"version -1", func(h *Header) { h.Version = -1 }, ErrVersion, "version -1"},
		{"model number in version 1", func(h *Header) { h.Version, h.ModelNumber = 1, 4 }, ErrVersion, "model numbers need version 2 or later, the header asks for version 1"},
		{"zero width", func(h *Header) { h.Width = 0 }, ErrDimension, "0x32, each side must be 1..65535"},
		{"negative height", func(h *Header) { h.Height = -5 }, ErrDimension, "32x-5"},
		{"wide", func(h *Header) { h.Width = MaxDimension + 1 }, ErrDimension, "65536x32"},
		{"too many pixels", func(h *Header) { h.Width, h.Height = 20000, 20000 }, ErrDimension, "400000000 pixels, at most 268435456"},
		{"no substreams", func(h *Header) { h.Streams = nil }, ErrStreams, "0 substreams, want 1..256"},
		{"too many substreams", func(h *Header) { h.Streams = make([]int64, MaxStreams+1) }, ErrStreams, "257 substreams"},
		{"negative length", func(h *Header) { h.Streams = []int64{3, -1, 0} }, ErrStreams, "substream 1 is -1 bytes"},
		{"huge length", func(h *Header) { h.Streams = []int64{MaxPayload + 1, 0} }, ErrStreams, "substream 0 is 17179869185 bytes"},
		{"huge sum", func(h *Header) { h.Streams = []int64{MaxPayload, 1, 0} }, ErrStreams, "at most 17179869184"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := ok
			c.edit(&h)
			b, err := h.AppendBinary([]byte("x"))
			if !errors.Is(err, c.target) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %v, want %v mentioning %q", err, c.target, c.msg)
			}
			if string(b) != "x" {
				t.Fatalf("AppendBinary changed its input to %q on error", b)
			}
			var w bytes.Buffer
			if err := WriteHeader(&w, &h); !errors.Is(err, c.target) || w.Len() != 0 {
				t.Fatalf("WriteHeader wrote %d bytes, error %v; want nothing and %v", w.Len(), err, c.target)
			}
		})
	}
}

func TestWriteHeader(t *testing.T) {
	h := golden[1].h
	var w bytes.Buffer
	if err := WriteHeader(&w, &h); err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(w.Bytes()); got != golden[1].hex {
		t.Fatalf("WriteHeader wrote %s, want %s", got, golden[1].hex)
	}
}

func TestStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Gray.String(), "Gray"}, {RGB.String(), "RGB"}, {RGBA.String(), "RGBA"}, {Layout(2).String(), "Layout(2)"},
		{Lossless.String(), "Lossless"}, {Lossy.String(), "Lossy"}, {Mode(9).String(), "Mode(9)"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q, want %q", c.got, c.want)
		}
	}
	for l, want := range map[Layout]int{Gray: 1, RGB: 3, RGBA: 4, 0: 0, 2: 0, 5: 0} {
		if got := l.Channels(); got != want {
			t.Errorf("%v.Channels() = %d, want %d", l, got, want)
		}
	}
}
