package container

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// tail is the model fingerprint and CRC that end the test headers.
const tail = "9a3c5e71" + "a341ad20"

func TestReadErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		hex    string
		target error
		msg    string
	}{
		{"empty", "", ErrTruncated, "input ends in the magic"},
		{"magic prefix", "5058", ErrTruncated, "magic"},
		{"png", "89504e470d0a1a0a", ErrMagic, "starts with 89 50 4e, want 50 58 5a"},
		{"short and wrong", "47", ErrMagic, "starts with 47"},
		{"lower case", "70787a0103202000", ErrMagic, "want 50 58 5a (\"PXZ\")"},
		{"no version", "50585a", ErrTruncated, "version"},
		{"version 0", "50585a00", ErrVersion, "unsupported version 0 (this package reads versions 1 to 5)"},
		{"version 6", "50585a060320" + "20" + tail, ErrVersion, "version 6"},
		{"v5 no extension count", "50585a056e2020" + "0c" + "a341", ErrTruncated, "extension count"},
		{"v5 zero extensions", "50585a056e2020" + "0c" + "a341" + "00", ErrExtension, "0 extensions"},
		{"v5 extension cut", "50585a056e2020" + "0c" + "a341" + "01" + "81" + "05" + "6162", ErrTruncated, "extension 0x81"},
		{"v5 extension too long", "50585a056e2020" + "0c" + "a341" + "01" + "81" + "8180808010", ErrExtension, "at most 16777216"},
		{"v5 extensions out of order", "50585a056e2020" + "0c" + "a341" + "02" + "02" + "00" + "01" + "00", ErrExtension, "tag 0x01 after 0x02"},
		{"v4 layout 0", "50585a04e8", ErrLayout, "code 0 (version 4 codes 1 Gray, 2 RGB and 3 RGBA)"},
		{"v4 no model number", "50585a04ea2020", ErrTruncated, "model number"},
		{"v4 short CRC cut", "50585a04ea2020" + "01" + "a3", ErrTruncated, "CRC"},
		{"v4 CRC cut", "50585a04ea2081" + "01" + "01" + "a341ad", ErrTruncated, "CRC"},
		{"no model number", "50585a02132020", ErrTruncated, "model number"},
		{"model number 0", "50585a0213202000" + "a341ad20", ErrMalformed, "model number of 0 (flags 0x13)"},
		{"v2 no model", "50585a02032020", ErrTruncated, "model fingerprint"},
		{"v2 layout 2", "50585a0212", ErrLayout, "layout 2"},
		{"no flags", "50585a01", ErrTruncated, "flags"},
		{"no parameters", "50585a0183", ErrTruncated, "coding parameters"},
		{"parameters 0", "50585a018300", ErrMalformed, "coding-parameters byte of 0 (flags 0x83)"},
		{"layout 0", "50585a0100", ErrLayout, "layout 0"},
		{"layout 2", "50585a0102", ErrLayout, "layout 2 (want 1 Gray, 3 RGB or 4 RGBA)"},
		{"layout 7", "50585a0107", ErrLayout, "layout 7"},
		{"mode 2", "50585a0113", ErrMode, "mode 2 (want 0 Lossless or 1 Lossy)"},
		{"mode 3", "50585a011b", ErrMode, "mode 3"},
		{"no width", "50585a0103", ErrTruncated, "width"},
		{"width cut", "50585a010380", ErrTruncated, "width"},
		{"no height", "50585a010320", ErrTruncated, "height"},
		{"zero width", "50585a01030020" + tail, ErrDimension, "0x32, each side must be 1..65535"},
		{"zero height", "50585a01032000" + tail, ErrDimension, "32x0"},
		{"wide", "50585a0103808004" + "20" + tail, ErrDimension, "65536x32"},
		{"huge width", "50585a0103ffffffffffffffffff01" + "20", ErrDimension, "18446744073709551615x32"},
		{"width over 64 bits", "50585a0103ffffffffffffffffff02", ErrMalformed, "width overflows 64 bits"},
		{"width 11 bytes", "50585a0103ffffffffffffffffffff01", ErrMalformed, "width overflows"},
		{"non-minimal width", "50585a0103a000" + "20" + tail, ErrMalformed, "width is a non-minimal uvarint"},
		{"non-minimal zero", "50585a01038000", ErrMalformed, "non-minimal"},
		{"too many pixels", "50585a0103ffff03ffff03" + tail, ErrDimension, "65535x65535 is 4294836225 pixels, at most 268435456"},
		{"no model", "50585a01032020", ErrTruncated, "model fingerprint"},
		{"model cut", "50585a010320209a3c", ErrTruncated, "model fingerprint"},
		{"no CRC", "50585a010320209a3c5e71", ErrTruncated, "CRC"},
		{"CRC cut", "50585a010320209a3c5e71a341ad", ErrTruncated, "CRC"},
		{"no count", "50585a01232020", ErrTruncated, "substream count"},
		{"count 0", "50585a0123202000", ErrStreams, "must list 2..256 substreams, this one says 0"},
		{"count 1", "50585a0123202001" + tail, ErrStreams, "says 1"},
		{"count 257", "50585a012320208102", ErrStreams, "2..256 substreams, this one says 257"},
		{"count 2^63", "50585a01232020808080808080808080" + "01", ErrStreams, "says 9223372036854775808"},
		{"no lengths", "50585a0123202002", ErrTruncated, "substream lengths"},
		{"lengths cut", "50585a012320200305", ErrTruncated, "substream lengths"},
		{"length over max", "50585a0123202002" + "8180808040" + tail, ErrStreams, "substream 0 is 17179869185 bytes"},
		{"sum over max", "50585a0123202003" + "8080808040" + "01" + tail, ErrStreams, "substream 1 is 1 bytes after 17179869184"},
		{"non-minimal length", "50585a0123202002" + "8500" + tail, ErrMalformed, "substream lengths is a non-minimal uvarint"},
		{"payload short", "50585a0123202003" + "05" + "06" + tail + "0102030405060708090a", ErrTruncated, "declares 11 bytes before the last substream, only 10 follow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := hex.DecodeString(c.hex)
			if err != nil {
				t.Fatal(err)
			}
			h, err := ReadHeader(bytes.NewReader(b))
			if h != nil || !errors.Is(err, c.target) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("ReadHeader = %v, %v; want %v mentioning %q", h, err, c.target, c.msg)
			}
			if errors.Is(err, ErrTruncated) != errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%v: ErrTruncated and io.ErrUnexpectedEOF should go together", err)
			}
			if _, _, err := Split(b); !errors.Is(err, c.target) {
				t.Fatalf("Split: %v, want %v", err, c.target)
			}
		})
	}
}

// errReader fails after n bytes, like a broken disk.
type errReader struct {
	r   io.Reader
	n   int
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	if e.n == 0 {
		return 0, e.err
	}
	p = p[:min(len(p), e.n)]
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

func TestReadIOError(t *testing.T) {
	b, _ := golden[1].h.MarshalBinary()
	boom := errors.New("boom")
	for n := range len(b) {
		_, err := ReadHeader(&errReader{bytes.NewReader(b), n, boom})
		if !errors.Is(err, boom) || errors.Is(err, ErrTruncated) {
			t.Fatalf("failing after %d bytes: %v, want the reader's error", n, err)
		}
	}
}

// TestReadSources checks the last substream length and the position left
// behind for each kind of reader ReadHeader distinguishes.
func TestReadSources(t *testing.T) {
	h := golden[1].h
	hdr, _ := h.MarshalBinary()
	payload := bytes.Repeat([]byte{7}, 1500)
	file := append(bytes.Clone(hdr), payload...)
	path := filepath.Join(t.TempDir(), "x.pxcz")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pr, pw, err := os.Pipe() // an *os.File that cannot seek
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	go func() {
		pw.Write(file)
		pw.Close()
	}()
	for _, c := range []struct {
		name string
		r    io.Reader
		last int64
	}{
		{"bytes.Reader", bytes.NewReader(file), 300},
		{"bytes.Buffer", bytes.NewBuffer(file), 300},
		{"os.File", f, 300},
		{"pipe", pr, -1},
		{"bufio.Reader", bufio.NewReader(bytes.NewReader(file)), -1},
		{"plain", plainReader{bytes.NewReader(file)}, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadHeader(c.r)
			if err != nil {
				t.Fatal(err)
			}
			if last := got.Streams[2]; last != c.last {
				t.Errorf("last substream %d bytes, want %d", last, c.last)
			}
			rest, err := io.ReadAll(c.r)
			if err != nil || !bytes.Equal(rest, payload) {
				t.Errorf("after the header the reader holds %d bytes (err %v), want the %d-byte payload", len(rest), err, len(payload))
			}
		})
	}
}

func TestSplit(t *testing.T) {
	h := golden[1].h
	hdr, _ := h.MarshalBinary()
	var payload []byte
	for i, n := range []int{200, 1000, 42} {
		payload = append(payload, bytes.Repeat([]byte{byte(i)}, n)...)
	}
	got, subs, err := Split(append(hdr, payload...))
	if err != nil {
		t.Fatal(err)
	}
	if got.Streams[2] != 42 || len(subs) != 3 {
		t.Fatalf("Split: streams %v, %d substreams; want last 42 and 3", got.Streams, len(subs))
	}
	for i, s := range subs {
		if int64(len(s)) != got.Streams[i] || bytes.Count(s, []byte{byte(i)}) != len(s) || cap(s) != len(s) {
			t.Errorf("substream %d: %d bytes (cap %d), want %d bytes of %d", i, len(s), cap(s), got.Streams[i], i)
		}
	}
}

// TestReadAllocs bounds what a header can make ReadHeader allocate: the
// worst case is a full substream table.
func TestReadAllocs(t *testing.T) {
	const limit = 4 << 10
	full := Header{Width: 1, Height: 1, Layout: Gray, Streams: squares(MaxStreams)}
	fullBytes, _ := full.MarshalBinary()
	hostile, _ := hex.DecodeString("50585a01232020ffffffffffffffffff01")
	for _, c := range []struct {
		name string
		b    []byte
	}{{"256 substreams", fullBytes}, {"count 2^64-1", hostile}} {
		const runs = 100
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			_, _ = ReadHeader(bytes.NewReader(c.b))
		}
		runtime.ReadMemStats(&after)
		if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > limit {
			t.Errorf("%s: ReadHeader allocates %d bytes, want at most %d", c.name, per, limit)
		}
	}
}
