package codec

import (
	"bytes"
	"errors"
	"image"
	"reflect"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/pngmeta"
)

// TestMetadata stores chunks with an image and reads them back, and checks
// that an image without them costs no byte more.
func TestMetadata(t *testing.T) {
	img := synthetic()["rgb17x13"]
	meta := []pngmeta.Chunk{
		{Type: "gAMA", Data: []byte{0, 0, 0xb1, 0x8f}},
		{Type: "tEXt", Data: []byte("Title\x00a test")},
		{Type: "tIME", Data: []byte{7, 233, 1, 2, 3, 4, 5}, AfterImage: true},
	}
	bare := roundTrip(t, img, &Options{Model: testModel(t), Effort: 1})
	with := roundTrip(t, img, &Options{Model: testModel(t), Effort: 1, Metadata: meta})
	got, err := DecodeMetadata(bytes.NewReader(with))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, meta) {
		t.Errorf("DecodeMetadata = %+v, want %+v", got, meta)
	}
	if got, err := DecodeMetadata(bytes.NewReader(bare)); err != nil || got != nil {
		t.Errorf("DecodeMetadata of a file without metadata = %v, %v; want nothing", got, err)
	}
	if extra := len(with) - len(bare); extra <= 0 || extra > 80 {
		t.Errorf("the metadata added %d bytes", extra)
	}
	// image.Decode skips the ancillary extension.
	builtin := encoded(t, img, &Options{Effort: 1, Metadata: meta})
	if got, _, err := image.Decode(bytes.NewReader(builtin)); err != nil || testimg.Diff(got, img) != "" {
		t.Errorf("image.Decode of a file with metadata: %v", err)
	}
	h, _, err := container.Split(bare)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Extensions) != 0 {
		t.Errorf("a file without metadata has extensions %v", h.Extensions)
	}
	broken := extended(t, bare, container.Extension{Tag: container.ExtMetadata, Data: []byte("not zstd")})
	if _, err := DecodeMetadata(bytes.NewReader(broken)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("DecodeMetadata of broken metadata: %v, want ErrCorrupt", err)
	}
	// The pixels do not depend on the metadata.
	if _, err := DecodeWith(bytes.NewReader(broken), &Options{Model: testModel(t)}); err != nil {
		t.Errorf("a file with unreadable metadata does not decode: %v", err)
	}
}
