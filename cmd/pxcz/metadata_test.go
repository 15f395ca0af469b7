package main

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"image"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/internal/fileinfo"
	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/pngmeta"
)

// withChunks is img as a PNG file carrying chunks: every kind pxcz keeps,
// with a real ICC profile where Debian installs one, and sBIT and a
// private chunk that it drops.
func withChunks(t *testing.T) (file []byte, kept []pngmeta.Chunk) {
	profile, err := os.ReadFile("/usr/share/color/icc/ghostscript/srgb.icc")
	if err != nil {
		t.Log("no ICC profile in /usr/share/color; using stand-in bytes")
		profile = bytes.Repeat([]byte("stand-in profile "), 64)
	}
	var iccp bytes.Buffer
	iccp.WriteString("sRGB\x00\x00")
	z := zlib.NewWriter(&iccp)
	z.Write(profile)
	z.Close()
	kept = []pngmeta.Chunk{
		{Type: "iCCP", Data: iccp.Bytes()},
		{Type: "gAMA", Data: []byte{0, 0, 0xb1, 0x8f}},
		{Type: "cHRM", Data: bytes.Repeat([]byte{0, 0, 0x7a, 0x26}, 8)},
		{Type: "bKGD", Data: []byte{0, 1, 0, 2, 0, 3}},
		{Type: "pHYs", Data: []byte{0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1}},
		{Type: "eXIf", Data: []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00")},
		{Type: "tEXt", Data: []byte("Title\x00a test")},
		{Type: "tEXt", Data: []byte("Author\x00pxcz")},
		{Type: "tEXt", Data: []byte("Comment\x00three tEXt chunks")},
		{Type: "tIME", Data: []byte{7, 233, 1, 2, 3, 4, 5}, AfterImage: true},
	}
	all := append([]pngmeta.Chunk{{Type: "sBIT", Data: []byte{8, 8, 8}}, {Type: "prVt", Data: []byte("private")}}, kept...)
	file, err = pngmeta.Insert(encodeAs(t, "png", testImages()["rgb8x8"]), all)
	if err != nil {
		t.Fatal(err)
	}
	return file, kept
}

func TestMetadataKept(t *testing.T) {
	dir := t.TempDir()
	src, kept := withChunks(t)
	in := writeFile(t, dir, "a.png", src)

	if w := warnings(t, "compress", in); !strings.Contains(w, "a.png: dropping PNG chunks sBIT, prVt (") || strings.Count(w, "warning") != 1 {
		t.Errorf("warnings %q do not name the dropped chunks sBIT and prVt on one line", w)
	}

	packed := filepath.Join(dir, "a.pxcz")
	text := string(mustRun(t, nil, "info", packed))
	if !strings.Contains(text, "metadata:    10 PNG chunks in ") || !strings.Contains(text, `tEXt "Author" (11 bytes)`) || !strings.Contains(text, "iCCP (") {
		t.Errorf("info does not list the metadata:\n%s", text)
	}
	var fi fileinfo.Info
	if err := json.Unmarshal(mustRun(t, nil, "info", "--json", packed), &fi); err != nil {
		t.Fatal(err)
	}
	if len(fi.Metadata) != len(kept) || fi.Metadata[0].Type != "iCCP" || fi.Metadata[9].Type != "tIME" {
		t.Errorf("info --json metadata: %+v", fi.Metadata)
	}

	for _, c := range []struct {
		args []string
		want []pngmeta.Chunk
	}{
		{[]string{"decompress", "-o", filepath.Join(dir, "kept.png"), packed}, kept},
		{[]string{"decompress", "--strip", "-o", filepath.Join(dir, "stripped.png"), packed}, nil},
	} {
		mustRun(t, nil, c.args...)
		out, err := os.ReadFile(c.args[len(c.args)-2])
		if err != nil {
			t.Fatal(err)
		}
		got, dropped, err := pngmeta.Read(out)
		if err != nil || dropped != nil {
			t.Fatalf("%v: reading the PNG: %v, dropped %v", c.args, err, dropped)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: the PNG carries %+v, want %+v", c.args, got, c.want)
		}
		if at := testimg.Diff(decodeImage(t, out), decodeImage(t, src)); at != "" {
			t.Errorf("%v: pixels differ at %s", c.args, at)
		}
	}

	// --strip when compressing: the file is what a PNG without chunks gives.
	mustRun(t, nil, "compress", "--strip", "-o", filepath.Join(dir, "stripped.pxcz"), in)
	mustRun(t, nil, "compress", "-o", filepath.Join(dir, "bare.pxcz"), writeFile(t, dir, "bare.png", encodeAs(t, "png", testImages()["rgb8x8"])))
	stripped, _ := os.ReadFile(filepath.Join(dir, "stripped.pxcz"))
	bare, _ := os.ReadFile(filepath.Join(dir, "bare.pxcz"))
	if !bytes.Equal(stripped, bare) {
		t.Errorf("--strip gives %d bytes, a PNG without metadata %d", len(stripped), len(bare))
	}
	if text := string(mustRun(t, nil, "info", filepath.Join(dir, "bare.pxcz"))); !strings.Contains(text, "metadata:    none\n") {
		t.Errorf("info of a file without metadata:\n%s", text)
	}
}

// warnings runs a command line that has to succeed and returns what it
// printed on standard error.
func warnings(t *testing.T, args ...string) string {
	t.Helper()
	code, msg := cliStderr(t, args...)
	if code != 0 {
		t.Fatalf("pxcz %s: exit %d: %s", strings.Join(args, " "), code, msg)
	}
	return msg
}

// cliStderr runs a command line and returns its exit status and all it
// printed on standard error: warnings, summary and errors.
func cliStderr(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var errs bytes.Buffer
	saved := std
	std.in, std.out, std.err = strings.NewReader(""), io.Discard, &errs
	defer func() { std = saved }()
	code := run(args, &errs)
	return code, errs.String()
}

// TestJPEGMetadataKept: a JPEG's Exif, ICC profile and comment come out of
// decompress as the PNG chunks that carry them, whether the .pxcz file
// codes the pixels or stores the JPEG; other segments are named as
// dropped.
func TestJPEGMetadataKept(t *testing.T) {
	dir := t.TempDir()
	profile := bytes.Repeat([]byte("stand-in profile "), 64)
	exif := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00")
	seg := func(marker byte, data string) []byte {
		return append([]byte{0xff, marker, byte((len(data) + 2) >> 8), byte(len(data) + 2)}, data...)
	}
	// Noise, whose JPEG is smaller than its decoded pixels coded: compress
	// stores the JPEG itself.
	noise := image.NewNRGBA(image.Rect(0, 0, 40, 40))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(i*i*7 + i>>3)
		if i%4 == 3 {
			noise.Pix[i] = 255
		}
	}
	plain := encodeAs(t, "jpeg", noise)
	file := slices.Concat(plain[:2], seg(0xe1, "Exif\x00\x00"+string(exif)), seg(0xe2, "ICC_PROFILE\x00\x01\x01"+string(profile)),
		seg(0xed, "Photoshop 3.0\x00"), seg(0xfe, "hello"), plain[2:])
	in := writeFile(t, dir, "a.jpg", file)
	if w := warnings(t, "compress", in); !strings.Contains(w, "a.jpg: dropping JPEG segments APP13 (") {
		t.Errorf("warnings %q do not name the dropped APP13", w)
	}
	want, _, err := pngmeta.ReadJPEG(file)
	if err != nil || len(want) != 3 {
		t.Fatalf("%d chunks (%v), want iCCP, eXIf, tEXt", len(want), err)
	}
	packed := filepath.Join(dir, "a.pxcz")
	for _, form := range []codec.Form{codec.StoredJPEG, codec.Modelled} {
		if form == codec.Modelled {
			// The pixels coded: with the metadata in the file's header.
			var b bytes.Buffer
			if err := codec.Encode(&b, decodeImage(t, file), &codec.Options{Metadata: want}); err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, "a.pxcz", b.Bytes())
		}
		data, _ := os.ReadFile(packed)
		if f, err := codec.DecodeFile(bytes.NewReader(data), nil); err != nil || f.Form != form {
			t.Fatalf("a %v file, want %v (%v)", f.Form, form, err)
		}
		out := filepath.Join(dir, "back.png")
		mustRun(t, nil, "decompress", "-f", "-o", out, packed)
		png, _ := os.ReadFile(out)
		got, _, err := pngmeta.Read(png)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%v: the PNG carries %+v (%v), want %+v", form, got, err, want)
		}
	}
}
