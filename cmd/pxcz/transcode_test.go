package main

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/testimg"
)

func TestRoundTrip(t *testing.T) {
	for name, img := range testImages() {
		for _, format := range []string{"png", "gif", "jpeg"} {
			if format != "png" && name != "rgb8x8" {
				continue // one image is enough to see the other decoders work
			}
			t.Run(name+"."+format, func(t *testing.T) {
				dir := t.TempDir()
				src := encodeAs(t, format, img)
				in := writeFile(t, dir, "in."+format, src)
				mustRun(t, nil, "compress", in)
				packed := filepath.Join(dir, "in.pxcz")
				out := filepath.Join(dir, "out.png")
				mustRun(t, nil, "decompress", "-o", out, packed)
				got, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				want := decodeImage(t, src)
				dec := decodeImage(t, got)
				if at := testimg.Diff(want, dec); at != "" {
					t.Errorf("pixels differ at %s", at)
				}
				if _, gray := want.(*image.Gray); gray {
					if _, ok := dec.(*image.Gray); !ok {
						t.Errorf("gray image came back as %T", dec)
					}
				}
				wantDir(t, dir, "in."+format, "in.pxcz", "out.png")
			})
		}
	}
}

func TestDefaultNames(t *testing.T) {
	for _, c := range []struct{ in, compressed, decompressed string }{
		{"photo.png", "photo.pxcz", "photo.png.png"},
		{"photo.pxcz", "photo.pxcz", "photo.png"},
		{"dir.v2/photo", "dir.v2/photo.pxcz", "dir.v2/photo.png"},
		{"a.b.JPG", "a.b.pxcz", "a.b.JPG.png"},
		{"x.PXCZ", "x.pxcz", "x.png"},
		{"-", "-", "-"},
	} {
		if got := compressedName(c.in); got != c.compressed {
			t.Errorf("compressedName(%q) = %q, want %q", c.in, got, c.compressed)
		}
		if got := decompressedName(c.in); got != c.decompressed {
			t.Errorf("decompressedName(%q) = %q, want %q", c.in, got, c.decompressed)
		}
	}

	// And the commands use them: photo.png -> photo.pxcz -> (elsewhere) photo.png.
	dir, other := t.TempDir(), t.TempDir()
	mustRun(t, nil, "compress", testimg.WritePNG(t, filepath.Join(dir, "photo.png"), testImages()["gray8x8"]))
	wantDir(t, dir, "photo.png", "photo.pxcz")
	if err := os.Rename(filepath.Join(dir, "photo.pxcz"), filepath.Join(other, "photo.pxcz")); err != nil {
		t.Fatal(err)
	}
	mustRun(t, nil, "decompress", filepath.Join(other, "photo.pxcz"))
	wantDir(t, other, "photo.pxcz", "photo.png")
	mustRun(t, nil, "decompress", "-o", filepath.Join(other, "noext"), filepath.Join(other, "photo.pxcz"))
	if err := os.Rename(filepath.Join(other, "photo.pxcz"), filepath.Join(other, "noext")); err != nil {
		t.Fatal(err)
	}
	mustRun(t, nil, "decompress", filepath.Join(other, "noext"))
	wantDir(t, other, "noext", "noext.png", "photo.png")
}

func TestOverwrite(t *testing.T) {
	dir := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb8x8"])
	out := writeFile(t, dir, "a.pxcz", []byte("precious"))

	// Refused before the input is even looked at: a.png is unreadable as
	// an image here, and the message is still about the output.
	bad := writeFile(t, dir, "bad.png", []byte("not an image"))
	code, _, msg := cli(t, nil, "compress", "-o", out, bad)
	wantFailure(t, code, msg, out, "exists (use -f to overwrite)")
	code, _, msg = cli(t, nil, "compress", in)
	wantFailure(t, code, msg, out, "exists (use -f to overwrite)")
	if data, _ := os.ReadFile(out); string(data) != "precious" {
		t.Fatalf("refused run changed %s to %q", out, data)
	}
	if err := os.Chmod(out, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, nil, "compress", "-f", in)
	data, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(data, []byte("PXZ")) {
		t.Fatalf("-f left %q (%v), want a .pxcz file", data, err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("overwritten file has mode %v (%v), want its old 0600", fi.Mode(), err)
	}

	// decompress likewise.
	png := filepath.Join(dir, "b.png")
	mustRun(t, nil, "decompress", "-o", png, out)
	code, _, msg = cli(t, nil, "decompress", "-o", png, out)
	wantFailure(t, code, msg, png, "exists (use -f to overwrite)")
	mustRun(t, nil, "decompress", "-f", "-o", png, out)

	// A directory is never replaced.
	if err := os.Mkdir(filepath.Join(dir, "c.pxcz"), 0o755); err != nil {
		t.Fatal(err)
	}
	// -o DIR writes into it.
	mustRun(t, nil, "compress", "-o", filepath.Join(dir, "c.pxcz"), in)
	wantDir(t, filepath.Join(dir, "c.pxcz"), "a.pxcz")
	code, _, msg = cli(t, nil, "compress", "-f", testimg.WritePNG(t, filepath.Join(dir, "c.png"), testImages()["rgb1x1"]))
	wantFailure(t, code, msg, "is a directory")
	wantDir(t, dir, "a.png", "a.pxcz", "b.png", "bad.png", "c.png", "c.pxcz")
}

func TestStdio(t *testing.T) {
	img := testImages()["rgba8x8"]
	src := encodeAs(t, "png", img)

	// compress - writes to stdout by default.
	packed := mustRun(t, bytes.NewReader(src), "compress", "-")
	if !bytes.HasPrefix(packed, []byte("PXZ")) {
		t.Fatalf("compress - wrote %q..., want a .pxcz file", packed[:min(len(packed), 8)])
	}
	// decompress - reads a pipe, which codec must drain to its end.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for i := range packed {
			w.Write(packed[i : i+1]) // one byte per write, to see short reads
		}
		w.Close()
	}()
	got := mustRun(t, r, "decompress", "-")
	r.Close()
	if at := testimg.Diff(img, decodeImage(t, got)); at != "" {
		t.Errorf("pixels differ at %s", at)
	}

	// -o - and -o FILE with stdin.
	if again := mustRun(t, bytes.NewReader(src), "compress", "-o", "-", "-"); !bytes.Equal(again, packed) {
		t.Errorf("compress -o - differs from compress -")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "s.pxcz")
	if out := mustRun(t, bytes.NewReader(src), "compress", "-o", file, "-"); len(out) != 0 {
		t.Errorf("compress -o FILE also wrote %d bytes to stdout", len(out))
	}
	got = mustRun(t, nil, "decompress", "-o", "-", file)
	if at := testimg.Diff(img, decodeImage(t, got)); at != "" {
		t.Errorf("pixels differ at %s", at)
	}
	wantDir(t, dir, "s.pxcz")
}

func TestTerminalRefused(t *testing.T) {
	// /dev/zero stands in for a terminal: it is a character device other
	// than the null device, which is all isTerminal can tell apart.
	for _, c := range []struct {
		dev      string
		terminal bool
	}{{"/dev/zero", true}, {os.DevNull, false}} {
		f, err := os.OpenFile(c.dev, os.O_RDWR, 0)
		if err != nil {
			t.Skipf("no %s: %v", c.dev, err)
		}
		defer f.Close()
		if got := isTerminal(f); got != c.terminal {
			t.Errorf("isTerminal(%s) = %v, want %v", c.dev, got, c.terminal)
		}
	}

	dir := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb1x1"])
	tty, err := os.OpenFile("/dev/zero", os.O_RDWR, 0)
	if err != nil {
		t.Skip(err)
	}
	defer tty.Close()
	saved := std
	defer func() { std = saved }()
	var msg strings.Builder
	std.in, std.out = tty, tty
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"compress", "-o", "-", in}, "refusing to write .pxcz data to a terminal"},
		{[]string{"compress", "-"}, "refusing to read image data from a terminal"},
		{[]string{"decompress", "-o", "-", "x.pxcz"}, "no such file"},
		{[]string{"decompress", "-"}, "terminal"},
	} {
		msg.Reset()
		code := run(c.args, &msg)
		wantFailure(t, code, msg.String(), c.want)
	}
	wantDir(t, dir, "a.png")
}

func TestCorruptInput(t *testing.T) {
	src := t.TempDir()
	packedPath := filepath.Join(src, "a.pxcz")
	mustRun(t, nil, "compress", "-o", packedPath, testimg.WritePNG(t, filepath.Join(src, "a.png"), testImages()["rgb8x8"]))
	packed, err := os.ReadFile(packedPath)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(packed)
		b[i] ^= 0x40
		return b
	}
	// The header ends in the model's number (the default model is built
	// in) and, for an image this small, the CRC's low 2 bytes.
	_, subs, err := container.Split(packed)
	if err != nil {
		t.Fatal(err)
	}
	header := len(packed) - len(subs[0])
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"not pxcz", []byte("\x89PNG\r\n\x1a\n"), "not a pxcz file"},
		{"header only", packed[:header-1], "truncated"},
		{"half", packed[:len(packed)/2], "truncated"},
		{"last byte cut", packed[:len(packed)-1], "corrupt"},
		{"payload flipped", flip(len(packed) - 5), "corrupt"},
		{"version", flip(3), "unsupported version"},
		{"model", flip(header - 3), "which this pxcz does not have"},
		{"crc", flip(header - 2), "checksum"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeFile(t, dir, "x.pxcz", c.data)
			code, _, msg := cli(t, nil, "decompress", in)
			wantFailure(t, code, msg, in, c.want)
			code, out, msg := cli(t, bytes.NewReader(c.data), "decompress", "-")
			wantFailure(t, code, msg, "stdin", c.want)
			if len(out) != 0 {
				t.Errorf("failed decompress - wrote %d bytes to stdout", len(out))
			}
			wantDir(t, dir, "x.pxcz")
		})
	}
}

func TestBadImageInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		data []byte
		want []string
	}{
		{"text.png", []byte("hello"), []string{"not a PNG, JPEG or GIF image"}},
		{"cut.png", encodeAs(t, "png", testImages()["rgb8x8"])[:60], []string{"png: invalid format"}},
	} {
		in := writeFile(t, dir, c.name, c.data)
		code, _, msg := cli(t, nil, "compress", in)
		wantFailure(t, code, msg, append(c.want, in)...)
	}
	wantDir(t, dir, "text.png", "cut.png")
}

func TestMissingInput(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	for _, cmd := range []string{"compress", "decompress", "info"} {
		code, _, msg := cli(t, nil, cmd, missing)
		wantFailure(t, code, msg, "pxcz "+cmd+": ", missing, "no such file")
	}
	// An output directory that does not exist fails before any work.
	in := testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb1x1"])
	code, _, msg := cli(t, nil, "compress", "-o", filepath.Join(missing, "a.pxcz"), in)
	wantFailure(t, code, msg, missing)
	wantDir(t, dir, "a.png")
}

func TestModelFlag(t *testing.T) {
	const weights = "../../codec/testdata/test.pxcm"
	if _, err := os.Stat(weights); err != nil {
		t.Skipf("no test model: %v", err)
	}
	dir := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb8x8"])
	packed := filepath.Join(dir, "a.pxcz")
	mustRun(t, nil, "compress", "--model", weights, in)

	out := filepath.Join(dir, "b.png")
	code, _, msg := cli(t, nil, "decompress", "-o", out, packed)
	wantFailure(t, code, msg, packed, "not built into this pxcz; pass its weights file")
	mustRun(t, nil, "decompress", "-o", out, "--model", weights, packed)

	notModel := writeFile(t, dir, "bad.pxcm", []byte("nonsense"))
	code, _, msg = cli(t, nil, "compress", "-f", "--model", notModel, in)
	wantFailure(t, code, msg, "--model", "not a pxcz weights file")
	wantDir(t, dir, "a.png", "a.pxcz", "b.png", "bad.pxcm")
}
