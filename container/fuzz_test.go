package container

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// FuzzReadHeader checks that ReadHeader never panics, and that whatever it
// accepts is canonical: it marshals back to exactly the bytes read, the
// last substream length accounts for the rest of the input, and Split
// agrees.
func FuzzReadHeader(f *testing.F) {
	for _, g := range golden {
		b, _ := hex.DecodeString(g.hex)
		f.Add(b)
		f.Add(append(b, 1, 2, 3))
	}
	for _, s := range []string{
		"",
		"50585a",
		"50585a01032020" + tail,
		"50585a02132020" + "05" + "a341ad20",
		"50585a0213202000" + "a341ad20",
		"50585a01132020" + tail,
		"50585a0123202003" + "05" + "06" + tail + "0102030405060708090a0b0c",
		"50585a0103a000" + "20" + tail,
		"50585a01232020808080808080808080" + "01",
		"50585a0103ffff03ffff03" + tail,
	} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		h, err := ReadHeader(r)
		if err != nil {
			return
		}
		n := len(data) - r.Len()
		b, err := h.MarshalBinary()
		if err != nil {
			t.Fatalf("accepted %x as %+v, which does not marshal: %v", data[:n], h, err)
		}
		if !bytes.Equal(b, data[:n]) {
			t.Fatalf("accepted %x, marshals to %x", data[:n], b)
		}
		var total int64
		for _, l := range h.Streams {
			total += l
		}
		if total != int64(r.Len()) {
			t.Fatalf("substreams %v sum to %d, %d bytes follow the header", h.Streams, total, r.Len())
		}
		h2, subs, err := Split(data)
		if err != nil || h2.CRC != h.CRC || len(subs) != len(h.Streams) {
			t.Fatalf("Split disagrees with ReadHeader: %+v, %d substreams, %v", h2, len(subs), err)
		}
	})
}
