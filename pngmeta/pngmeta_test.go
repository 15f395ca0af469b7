package pngmeta

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"reflect"
	"slices"
	"testing"
)

// iccProfile is a real ICC profile where Debian installs one (ghostscript's
// sRGB), else stand-in bytes.
func iccProfile(t testing.TB) []byte {
	if b, err := os.ReadFile("/usr/share/color/icc/ghostscript/a98.icc"); err == nil {
		return b
	}
	t.Log("no ICC profile in /usr/share/color; using stand-in bytes")
	return bytes.Repeat([]byte("not an ICC profile "), 100)
}

// iCCP is an iCCP chunk's data for profile: its name, the compression
// method (0, zlib) and the compressed profile.
func iCCP(t testing.TB, profile []byte) []byte {
	var b bytes.Buffer
	b.WriteString("Adobe RGB\x00\x00")
	z := zlib.NewWriter(&b)
	z.Write(profile)
	z.Close()
	return b.Bytes()
}

// encodePNG is img as a PNG file.
func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testImage() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 5, 3))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

// everyKind is one chunk of every kept type, and three tEXt, in an order
// Insert keeps (its groups in file order).
func everyKind(t testing.TB) []Chunk {
	return []Chunk{
		{Type: "iCCP", Data: iCCP(t, iccProfile(t))},
		{Type: "gAMA", Data: []byte{0, 0, 0xb1, 0x8f}},
		{Type: "cHRM", Data: bytes.Repeat([]byte{0, 0, 0x7a, 0x26}, 8)},
		{Type: "bKGD", Data: []byte{0, 10, 0, 20, 0, 30}},
		{Type: "pHYs", Data: []byte{0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1}},
		{Type: "eXIf", Data: []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00")},
		{Type: "tEXt", Data: []byte("Title\x00A test")},
		{Type: "tEXt", Data: []byte("Author\x00pxcz")},
		{Type: "zTXt", Data: append([]byte("Comment\x00\x00"), zlibOf("compressed text")...)},
		{Type: "tIME", Data: []byte{0x07, 0xe9, 1, 2, 3, 4, 5}, AfterImage: true},
		{Type: "tEXt", Data: []byte("Software\x00pxcz"), AfterImage: true},
		{Type: "iTXt", Data: []byte("Description\x00\x00\x00en\x00Beschreibung\x00an image"), AfterImage: true},
	}
}

func zlibOf(s string) []byte {
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	z.Write([]byte(s))
	z.Close()
	return b.Bytes()
}

// types lists a PNG file's chunk types in order.
func types(t testing.TB, file []byte) []string {
	cs, err := chunks(file)
	if err != nil {
		t.Fatal(err)
	}
	var ts []string
	for _, c := range cs {
		ts = append(ts, c.typ)
	}
	return ts
}

func TestInsertThenRead(t *testing.T) {
	want := everyKind(t)
	// sRGB and iCCP exclude each other in a valid file, so sRGB has a file
	// of its own.
	srgb := []Chunk{{Type: "sRGB", Data: []byte{0}}, {Type: "gAMA", Data: []byte{0, 0, 0xb1, 0x8f}}}
	notKept := []Chunk{{Type: "sBIT", Data: []byte{8, 8, 8}}, {Type: "oFFs", Data: make([]byte, 9)}, {Type: "prVt", Data: []byte("x")}, {Type: "tRNS", Data: []byte{0, 1, 0, 2, 0, 3}}}
	for name, tc := range map[string]struct {
		in, want []Chunk
		dropped  []string
		order    []string
	}{
		"every kind": {want, want, nil, []string{"IHDR", "iCCP", "gAMA", "cHRM", "bKGD", "pHYs", "eXIf", "tEXt", "tEXt", "zTXt", "IDAT", "tIME", "tEXt", "iTXt", "IEND"}},
		"sRGB":       {srgb, srgb, nil, []string{"IHDR", "sRGB", "gAMA", "IDAT", "IEND"}},
		"not kept":   {append(notKept, srgb...), srgb, []string{"sBIT", "oFFs", "prVt"}, []string{"IHDR", "sRGB", "gAMA", "sBIT", "oFFs", "prVt", "tRNS", "IDAT", "IEND"}},
		"none":       {nil, nil, nil, []string{"IHDR", "IDAT", "IEND"}},
	} {
		t.Run(name, func(t *testing.T) {
			file, err := Insert(encodePNG(t, testImage()), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := types(t, file); !slices.Equal(got, tc.order) {
				t.Errorf("chunks in file: %v, want %v", got, tc.order)
			}
			got, dropped, err := Read(file)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Read: %+v, want %+v", got, tc.want)
			}
			if !slices.Equal(dropped, tc.dropped) {
				t.Errorf("dropped %v, want %v", dropped, tc.dropped)
			}
			if _, err := png.Decode(bytes.NewReader(file)); err != nil && name != "not kept" {
				t.Errorf("image/png cannot read the file: %v", err)
			}
		})
	}
}

// TestBackground checks that bKGD survives a change of color type: Read
// keeps the color, Insert writes it for the image it goes into.
func TestBackground(t *testing.T) {
	palette := []byte{1, 2, 3, 40, 50, 60, 9, 9, 9}
	for name, tc := range map[string]struct {
		from      header
		data      []byte
		rgb       []byte // nil: dropped
		to        header
		toData    []byte // nil: left out
		toPalette []byte
	}{
		"indexed to RGB":     {header{8, indexed}, []byte{1}, []byte{0, 40, 0, 50, 0, 60}, header{8, truecolor}, []byte{0, 40, 0, 50, 0, 60}, nil},
		"index past palette": {header{8, indexed}, []byte{3}, nil, header{}, nil, nil},
		"gray 4-bit to gray": {header{4, gray}, []byte{0, 5}, []byte{0, 85, 0, 85, 0, 85}, header{8, gray}, []byte{0, 85}, nil},
		"gray to RGBA":       {header{8, grayAlpha}, []byte{0, 200}, []byte{0, 200, 0, 200, 0, 200}, header{8, rgba}, []byte{0, 200, 0, 200, 0, 200}, nil},
		"16-bit RGB to RGB":  {header{16, truecolor}, []byte{0x12, 0x34, 0xff, 0xff, 0, 0}, []byte{0, 0x12, 0, 0xff, 0, 0}, header{8, truecolor}, []byte{0, 0x12, 0, 0xff, 0, 0}, nil},
		"RGB to 16-bit RGB":  {header{8, truecolor}, []byte{0, 1, 0, 2, 0, 255}, []byte{0, 1, 0, 2, 0, 255}, header{16, truecolor}, []byte{1, 1, 2, 2, 255, 255}, nil},
		"colored to gray":    {header{8, truecolor}, []byte{0, 1, 0, 2, 0, 3}, []byte{0, 1, 0, 2, 0, 3}, header{8, gray}, nil, nil},
		"RGB to palette":     {header{8, truecolor}, []byte{0, 9, 0, 9, 0, 9}, []byte{0, 9, 0, 9, 0, 9}, header{8, indexed}, []byte{2}, palette},
		"RGB not in palette": {header{8, truecolor}, []byte{0, 9, 0, 9, 0, 8}, []byte{0, 9, 0, 9, 0, 8}, header{8, indexed}, nil, palette},
		"wrong length":       {header{8, truecolor}, []byte{0, 9}, nil, header{}, nil, nil},
	} {
		t.Run(name, func(t *testing.T) {
			rgb, ok := tc.from.background(tc.data, palette)
			if !bytes.Equal(rgb, tc.rgb) || ok != (tc.rgb != nil) {
				t.Fatalf("background: %v %v, want %v", rgb, ok, tc.rgb)
			}
			if rgb == nil {
				return
			}
			data, ok := tc.to.backgroundData(rgb, tc.toPalette)
			if !bytes.Equal(data, tc.toData) || ok != (tc.toData != nil) {
				t.Errorf("backgroundData: %v %v, want %v", data, ok, tc.toData)
			}
		})
	}
}

// TestPaletted reads a paletted PNG's bKGD and writes it into the RGB PNG
// its pixels decode to.
func TestPaletted(t *testing.T) {
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.RGBA{1, 2, 3, 255}, color.RGBA{200, 100, 50, 255}})
	file, err := Insert(encodePNG(t, pal), []Chunk{{Type: "bKGD", Data: []byte{0, 200, 0, 100, 0, 50}}})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := chunks(file)
	if i := slices.IndexFunc(cs, func(c rawChunk) bool { return c.typ == "bKGD" }); i < 0 || !bytes.Equal(cs[i].data, []byte{1}) || cs[i-1].typ != "PLTE" {
		t.Fatalf("chunks %v: want bKGD index 1 after PLTE", types(t, file))
	}
	kept, _, err := Read(file)
	if err != nil {
		t.Fatal(err)
	}
	rgb, err := Insert(encodePNG(t, testImage()), kept)
	if err != nil {
		t.Fatal(err)
	}
	back, _, _ := Read(rgb)
	if !reflect.DeepEqual(back, kept) {
		t.Errorf("bKGD through an RGB file: %+v, want %+v", back, kept)
	}
}

func TestReadRejects(t *testing.T) {
	good := encodePNG(t, testImage())
	badCRC := bytes.Clone(good)
	badCRC[len(signature)+20]++ // inside IHDR's CRC
	long := bytes.Clone(good)
	binary.BigEndian.PutUint32(long[len(signature):], 1<<30)
	for name, file := range map[string][]byte{
		"empty":        nil,
		"no signature": good[1:],
		"bad CRC":      badCRC,
		"truncated":    good[:len(good)-5],
		"long chunk":   long,
		"no IHDR":      append(bytes.Clone(signature), appendChunk(nil, "IEND", nil)...),
	} {
		if _, _, err := Read(file); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: Read returned %v, want ErrFormat", name, err)
		}
		if _, err := Insert(file, nil); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: Insert returned %v, want ErrFormat", name, err)
		}
	}
	if _, err := Insert(good, []Chunk{{Type: "IDAT"}}); err == nil {
		t.Error("Insert wrote a critical chunk")
	}
}

func TestMarshal(t *testing.T) {
	cs := everyKind(t)
	data := Marshal(cs)
	got, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cs) {
		t.Errorf("Unmarshal(Marshal(cs)) = %+v, want %+v", got, cs)
	}
	if d := Marshal(nil); d != nil {
		t.Errorf("Marshal(nil) = %x, want nothing", d)
	}
	enc := coders().enc
	for name, rec := range map[string][]byte{
		"short record":  []byte("tEXt"),
		"critical type": []byte("IDAT\x00\x00"),
		"not letters":   []byte("t1Xt\x00\x00"),
		"unknown flag":  []byte("tEXt\x02\x00"),
		"past the end":  []byte("tEXt\x00\x05abc"),
		"bad uvarint":   []byte("tEXt\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"),
	} {
		if _, err := Unmarshal(enc.EncodeAll(rec, nil)); err == nil {
			t.Errorf("%s: Unmarshal accepted it", name)
		}
	}
	if _, err := Unmarshal([]byte("not zstd")); err == nil {
		t.Error("Unmarshal accepted data that is not zstd")
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add(Marshal(everyKind(f)))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Unmarshal(data)
		if err != nil {
			return
		}
		back, err := Unmarshal(Marshal(cs))
		if err != nil || !reflect.DeepEqual(back, cs) {
			t.Fatalf("stored chunks do not round-trip: %v", err)
		}
	})
}

func FuzzRead(f *testing.F) {
	file, _ := Insert(encodePNG(f, testImage()), everyKind(f))
	f.Add(file)
	f.Fuzz(func(t *testing.T, file []byte) {
		kept, _, err := Read(file)
		if err != nil {
			return
		}
		// What Read keeps can always be written back.
		if _, err := Insert(file, kept); err != nil {
			t.Fatalf("Insert refused what Read kept: %v", err)
		}
	})
}
