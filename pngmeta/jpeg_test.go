package pngmeta

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"slices"
	"testing"
)

// segment is a JPEG marker segment.
func segment(marker byte, data []byte) []byte {
	return append(binary.BigEndian.AppendUint16([]byte{0xff, marker}, uint16(len(data)+2)), data...)
}

// withSegments is a real JPEG file with segs inserted after its SOI.
func withSegments(t *testing.T, segs ...[]byte) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	out := []byte{0xff, 0xd8}
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, b.Bytes()[2:]...)
}

func TestReadJPEG(t *testing.T) {
	profile := iccProfile(t)
	half := len(profile) / 2
	exif := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00")
	xmp := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`)
	file := withSegments(t,
		segment(0xe0, []byte("JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00")), // 72 dpi
		segment(0xe1, append([]byte("Exif\x00\x00"), exif...)),
		// The profile's parts out of order, as a writer may put them.
		segment(0xe2, append([]byte("ICC_PROFILE\x00\x02\x02"), profile[half:]...)),
		segment(0xe2, append([]byte("ICC_PROFILE\x00\x01\x02"), profile[:half]...)),
		segment(0xe1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmp...)),
		segment(0xed, []byte("Photoshop 3.0\x00")),
		segment(0xfe, []byte("a comment")),
	)
	kept, dropped, err := ReadJPEG(file)
	if err != nil {
		t.Fatal(err)
	}
	var typs []string
	for _, c := range kept {
		typs = append(typs, c.Type)
	}
	if want := []string{"iCCP", "pHYs", "eXIf", "iTXt", "tEXt"}; !slices.Equal(typs, want) {
		t.Fatalf("chunks %v, want %v", typs, want)
	}
	if !slices.Equal(dropped, []string{"APP13"}) {
		t.Errorf("dropped %v, want APP13", dropped)
	}
	name, z, _ := bytes.Cut(kept[0].Data, []byte{0})
	r, err := zlib.NewReader(bytes.NewReader(z[1:]))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	if string(name) != "ICC profile" || z[0] != 0 || !bytes.Equal(got, profile) {
		t.Errorf("iCCP: name %q, method %d, profile of %d bytes (want %d)", name, z[0], len(got), len(profile))
	}
	if want := []byte{0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1}; !bytes.Equal(kept[1].Data, want) {
		t.Errorf("pHYs %x, want %x (2835 per metre)", kept[1].Data, want)
	}
	if !bytes.Equal(kept[2].Data, exif) || !bytes.HasSuffix(kept[3].Data, xmp) ||
		!bytes.HasPrefix(kept[3].Data, []byte("XML:com.adobe.xmp\x00")) || string(kept[4].Data) != "Comment\x00a comment" {
		t.Errorf("eXIf %q, iTXt %q, tEXt %q", kept[2].Data, kept[3].Data, kept[4].Data)
	}
	// The chunks are ones a PNG can carry: Insert and Read agree.
	png, err := Insert(encodePNG(t, testImage()), kept)
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := Read(png)
	if err != nil || len(back) != len(kept) {
		t.Errorf("read back %d chunks (%v), want %d", len(back), err, len(kept))
	}
}

func TestReadJPEGRejects(t *testing.T) {
	good := withSegments(t)
	for name, data := range map[string][]byte{
		"not a JPEG":      []byte("GIF89a"),
		"truncated":       good[:5],
		"missing ICC":     withSegments(t, segment(0xe2, []byte("ICC_PROFILE\x00\x02\x02xx"))),
		"ICC part 3 of 2": withSegments(t, segment(0xe2, []byte("ICC_PROFILE\x00\x03\x02xx"))),
	} {
		if _, _, err := ReadJPEG(data); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
	if kept, _, err := ReadJPEG(good); err != nil || len(kept) != 0 {
		t.Errorf("a plain JPEG: %d chunks, %v", len(kept), err)
	}
}

func FuzzReadJPEG(f *testing.F) {
	f.Add([]byte{0xff, 0xd8, 0xff, 0xe2, 0x00, 0x10, 'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadJPEG(data) // must not panic
	})
}
