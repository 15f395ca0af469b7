package main

import (
	"encoding/json"
	"fmt"
	"github.com/pxcz/pxcz/internal/fileinfo"
	"github.com/pxcz/pxcz/internal/testimg"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompressClass compresses with a class and with auto, decompresses
// the files, and checks what info says about them.
func TestCompressClass(t *testing.T) {
	dir := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb8x8"])
	for _, tc := range []struct{ class, want string }{{"cat", "3"}, {"7", "7"}, {"auto", ""}} {
		out := filepath.Join(dir, tc.class+".pxcz")
		mustRun(t, nil, "compress", "--model", condWeights, "--class", tc.class, "-e", "1", "-o", out, in)
		png := mustRun(t, nil, "decompress", "--model", condWeights, "-o", "-", out)
		if d := testimg.Diff(decodeImage(t, png), testImages()["rgb8x8"]); d != "" {
			t.Errorf("--class %s: pixels differ at %s", tc.class, d)
		}
		var fi fileinfo.Info
		if err := json.Unmarshal(mustRun(t, nil, "info", "--json", out), &fi); err != nil {
			t.Fatal(err)
		}
		if fi.Class == nil || (tc.want != "" && fmt.Sprint(*fi.Class) != tc.want) {
			t.Errorf("--class %s: info --json says class %v, want %s", tc.class, fi.Class, tc.want)
		}
		text := string(mustRun(t, nil, "info", out))
		if !strings.Contains(text, "\nclass:       "+tc.want) {
			t.Errorf("--class %s: info says\n%s", tc.class, text)
		}
	}
	plain := filepath.Join(dir, "plain.pxcz")
	mustRun(t, nil, "compress", "-e", "1", "-o", plain, in)
	if text := string(mustRun(t, nil, "info", plain)); strings.Contains(text, "class:") {
		t.Errorf("a file without a class: info says\n%s", text)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--class", "kitten", "--model", condWeights}, `unknown class "kitten"`},
		{[]string{"--class", "-1", "--model", condWeights}, "0 and up"},
		{[]string{"--class", "12", "--model", condWeights}, "classes 0..9"},
		{[]string{"--class", "1", "--model", "../../codec/testdata/test.pxcm"}, "unconditional"},
		{[]string{"--model", condWeights}, "class-conditional"},
	} {
		code, _, msg := cli(t, nil, append(append([]string{"compress"}, tc.args...), "-o", filepath.Join(dir, "x.pxcz"), in)...)
		wantFailure(t, code, msg, tc.want)
	}
	wantDir(t, dir, "a.png", "cat.pxcz", "7.pxcz", "auto.pxcz", "plain.pxcz")
	// Without --model, --class codes with the built-in conditional model,
	// which info names with the class.
	builtin := filepath.Join(dir, "builtin.pxcz")
	mustRun(t, nil, "compress", "--class", "ship", "-e", "1", "-o", builtin, in)
	if d := testimg.Diff(decodeImage(t, mustRun(t, nil, "decompress", "-o", "-", builtin)), testImages()["rgb8x8"]); d != "" {
		t.Errorf("built-in conditional model: pixels differ at %s", d)
	}
	if text := string(mustRun(t, nil, "info", builtin)); !strings.Contains(text, "\nclass:       8 (ship)") {
		t.Errorf("info of a file coded with the built-in conditional model says\n%s", text)
	}
}
