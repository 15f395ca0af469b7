package bench

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeTools puts shell scripts on a fresh PATH holding nothing else, so
// that tests see exactly these tools and none of the real ones.
func fakeTools(t *testing.T, scripts map[string]string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("fake tools are shell scripts")
	}
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
}

// Shell scripts standing in for codecs. /bin/sh's builtins and cp are all
// they use, by absolute path where PATH holds only the fakes.
const (
	copyTool  = `/bin/cp "$1" "$2"`
	brokeTool = `echo "cannot do it" >&2; exit 3`
	slowTool  = `exec /bin/sleep 5`
	// opjTool copies -i to -o, as opj_compress and opj_decompress are called.
	opjTool = `if [ "$1" = -h ]; then echo "fake opj version 9.9"; exit 0; fi
while [ $# -gt 0 ]; do case "$1" in -i) in=$2; shift;; -o) out=$2; shift;; esac; shift; done
/bin/cp "$in" "$out"`
)

// fakePeer is a peer running the named tools on PNM files.
func fakePeer(id, enc, dec string) *Peer {
	return &Peer{
		ID: id, Label: id, Package: "fake-" + id, Input: PNM, Ext: ".x",
		Encode: []string{enc, "{in}", "{out}"}, Decode: []string{dec, "{in}", "{out}"},
		DecodedExt: pnmExt,
	}
}

// testInput is an odd-sized RGB image with a scratch folder.
func testInput(t *testing.T) *Input {
	p := &Pixels{W: 5, H: 3, C: 3, Pix: make([]uint8, 45)}
	for i := range p.Pix {
		p.Pix[i] = uint8(i * 37)
	}
	return &Input{Pixels: p, Dir: t.TempDir()}
}

func TestPeerRoundTrip(t *testing.T) {
	fakeTools(t, map[string]string{"enc": copyTool, "dec": copyTool, "broke": brokeTool, "slow": slowTool})
	tests := []struct {
		name     string
		peer     *Peer
		wantFail string // "" for an exact round trip
		keep     bool
	}{
		{"exact", fakePeer("ok", "enc", "dec"), "", true},
		{"encoder fails", fakePeer("broke", "broke", "dec"), "broke failed (exit status 3): cannot do it", true},
		{"timeout is not cached", &Peer{ID: "slow", Label: "slow", Input: PNM, Ext: ".x", Encode: []string{"slow"}, Timeout: 50 * time.Millisecond}, "slow timed out after 50ms", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(t)
			res, keep, err := roundTrip(context.Background(), tt.peer, in)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantFail != res.Failure || keep != tt.keep {
				t.Fatalf("failure %q (keep %v), want %q (keep %v)", res.Failure, keep, tt.wantFail, tt.keep)
			}
			if tt.wantFail == "" && res.Bytes != 11+45 /* "P6\n5 3\n255\n" + pixels */ {
				t.Errorf("%d bytes, want 56", res.Bytes)
			}
		})
	}
}

func TestPeerMismatchIsAFailure(t *testing.T) {
	// The decoder overwrites byte 20 of the PPM: pixel 3's red sample.
	fakeTools(t, map[string]string{"enc": copyTool, "flip": `/bin/cp "$1" "$2" && printf 'Z' | /bin/dd of="$2" bs=1 seek=20 conv=notrunc 2>/dev/null`})
	res, keep, err := roundTrip(context.Background(), fakePeer("flip", "enc", "flip"), testInput(t))
	if err != nil {
		t.Fatal(err)
	}
	if !keep || !strings.Contains(res.Failure, "round trip changed the pixels: pixel (3,0)") {
		t.Errorf("failure %q (keep %v)", res.Failure, keep)
	}
}

func TestRealPeerSpecWithFakeTools(t *testing.T) {
	fakeTools(t, map[string]string{"opj_compress": opjTool, "opj_decompress": opjTool})
	var jp2 *Peer
	for _, p := range Peers() {
		if p.ID == "jp2" {
			jp2 = p
		}
	}
	if jp2.Missing() != "" {
		t.Fatalf("fake opj tools missing: %s", jp2.Missing())
	}
	if !strings.Contains(jp2.Key(), "fake opj version 9.9") {
		t.Errorf("key %q lacks the tool's version", jp2.Key())
	}
	for _, c := range []int{1, 3, 4} {
		in := testInput(t)
		in.Pixels = &Pixels{W: 5, H: 3, C: c, Pix: make([]uint8, 15*c)}
		for i := range in.Pixels.Pix {
			in.Pixels.Pix[i] = uint8(i * 11)
		}
		res, _, err := roundTrip(context.Background(), jp2, in)
		if err != nil || res.Failure != "" {
			t.Errorf("%d channels: %v %s", c, err, res.Failure)
		}
	}
}

func TestSelectPeersAbsent(t *testing.T) {
	fakeTools(t, map[string]string{"cwebp": copyTool}) // dwebp is missing
	peers, notes, err := SelectPeers("all", time.Minute, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(peers) != 1 || peers[0].Name() != GoPNG().Name() {
		t.Errorf("peers %v, want Go's image/png alone", peers)
	}
	if len(notes) != len(Peers()) {
		t.Fatalf("notes %q, want one per absent peer", notes)
	}
	if want := "cwebp -lossless -z 9 -exact: skipped, dwebp not found (Debian package webp)"; notes[0] != want {
		t.Errorf("note %q, want %q", notes[0], want)
	}
	for _, n := range notes[1:] {
		if !strings.Contains(n, "not found (Debian package ") {
			t.Errorf("note %q", n)
		}
	}
}

func TestSelectPeersByName(t *testing.T) {
	fakeTools(t, map[string]string{"optipng": copyTool})
	peers, notes, err := SelectPeers("optipng, png", time.Minute, 0)
	if err != nil || len(notes) != 0 {
		t.Fatal(err, notes)
	}
	if len(peers) != 2 || peers[0].Name() != GoPNG().Name() || peers[1].Name() != "optipng -o7" {
		t.Errorf("peers %v", peers)
	}
	if peers, _, _ := SelectPeers("none", 0, 0); len(peers) != 0 {
		t.Errorf("none selected %v", peers)
	}
	if _, _, err := SelectPeers("webp,gif", 0, 0); err == nil || !strings.Contains(err.Error(), `"gif"`) {
		t.Errorf("unknown peer: %v", err)
	}
}

// TestNearLosslessWebP: the level for each bound is the coarsest whose
// half-step stays within it.
func TestNearLosslessWebP(t *testing.T) {
	for k, level := range map[int]string{1: "80", 2: "60", 3: "60", 4: "40", 7: "40", 8: "20", 16: "0"} {
		c := NearLosslessWebP(k)
		if got := c.Name(); got != "cwebp -lossless -near_lossless "+level {
			t.Errorf("bound %d: %s, want level %s", k, got, level)
		}
		if c.MaxError() != -1 {
			t.Errorf("bound %d: cwebp promises %d, want no bound (-1)", k, c.MaxError())
		}
	}
}
