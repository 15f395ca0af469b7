package corpus

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// CIFAR-10 record layout: a label byte, then the red, green and blue planes
// of a 32x32 image.
const (
	cifarSide   = 32
	cifarPlane  = cifarSide * cifarSide
	cifarImage  = 3 * cifarPlane
	cifarRecord = 1 + cifarImage
	cifarLabels = 10

	// cifarMaxHint caps the records preallocated from a declared size (one
	// official batch), so a lying tar header costs an error, not an
	// out-of-memory crash.
	cifarMaxHint = 10000
)

// cifarSplits names the batch files of each split, in the order their images
// are concatenated.
var cifarSplits = map[string][]string{
	"train": {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"},
	"test":  {"test_batch.bin"},
}

// LoadCIFAR loads a CIFAR-10 split ("train": data_batch_1..5, "test":
// test_batch) as 32x32 RGB images with their class labels.
//
// path may be the official cifar-10-binary.tar.gz, streamed without
// unpacking; a folder holding cifar-10-batches-bin/ or the .bin files
// themselves; or a single .bin batch file, in which case split is ignored.
// The planar records are converted to the interleaved layout of [Set].
func LoadCIFAR(path, split string) (*Set, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: CIFAR-10: %w", err)
	}
	if fi.IsDir() {
		return loadCIFARDir(path, split)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: CIFAR-10: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return loadCIFARTarGz(br, path, split)
	}
	return readCIFAR(br, fi.Size(), path)
}

func splitBatches(split string) ([]string, error) {
	names, ok := cifarSplits[split]
	if !ok {
		return nil, fmt.Errorf("corpus: CIFAR-10 split %q unknown, want \"train\" or \"test\"", split)
	}
	return names, nil
}

func loadCIFARDir(dir, split string) (*Set, error) {
	names, err := splitBatches(split)
	if err != nil {
		return nil, err
	}
	if sub := filepath.Join(dir, "cifar-10-batches-bin"); isDir(sub) {
		dir = sub
	}
	parts := make([]*Set, len(names))
	for i, name := range names {
		if parts[i], err = loadCIFARFile(filepath.Join(dir, name)); err != nil {
			return nil, err
		}
	}
	return concatSets(parts), nil
}

func loadCIFARFile(name string) (*Set, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("corpus: CIFAR-10: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("corpus: CIFAR-10: %w", err)
	}
	return readCIFAR(bufio.NewReaderSize(f, 1<<20), fi.Size(), name)
}

// loadCIFARTarGz streams the archive once, decoding the wanted batches
// wherever they sit in it and stopping as soon as all are found.
func loadCIFARTarGz(r io.Reader, name, split string) (*Set, error) {
	names, err := splitBatches(split)
	if err != nil {
		return nil, err
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("corpus: CIFAR-10 %s: %w", name, err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	parts := make([]*Set, len(names))
	for left := len(names); left > 0; {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			var missing []string
			for i, p := range parts {
				if p == nil {
					missing = append(missing, names[i])
				}
			}
			return nil, fmt.Errorf("corpus: CIFAR-10 %s lacks %s", name, strings.Join(missing, ", "))
		}
		if err != nil {
			return nil, fmt.Errorf("corpus: CIFAR-10 %s: %w", name, err)
		}
		i := slices.Index(names, path.Base(hdr.Name))
		if hdr.Typeflag != tar.TypeReg || i < 0 || parts[i] != nil {
			continue
		}
		if parts[i], err = readCIFAR(tr, hdr.Size, name+":"+hdr.Name); err != nil {
			return nil, err
		}
		left--
	}
	return concatSets(parts), nil
}

// readCIFAR decodes size bytes of CIFAR-10 records from r, converting each
// planar image to interleaved RGB. name only labels errors.
func readCIFAR(r io.Reader, size int64, name string) (*Set, error) {
	if size <= 0 || size%cifarRecord != 0 {
		return nil, fmt.Errorf("corpus: CIFAR-10 %s: %d bytes is not a whole, non-zero number of %d-byte records", name, size, cifarRecord)
	}
	n := int(size / cifarRecord)
	s := &Set{W: cifarSide, H: cifarSide, C: 3}
	rec := make([]byte, cifarRecord)
	for i := range n {
		if _, err := io.ReadFull(r, rec); err != nil {
			return nil, fmt.Errorf("corpus: CIFAR-10 %s: reading record %d of %d: %w", name, i, n, err)
		}
		if rec[0] >= cifarLabels {
			return nil, fmt.Errorf("corpus: CIFAR-10 %s: record %d has label %d, want 0..%d", name, i, rec[0], cifarLabels-1)
		}
		if i == 0 {
			// Only now that data has arrived is the declared size worth believing.
			hint := min(n, cifarMaxHint)
			s.Pix, s.Labels = make([]uint8, 0, hint*cifarImage), make([]uint8, 0, hint)
		}
		s.Labels = append(s.Labels, rec[0])
		off := len(s.Pix)
		s.Pix = slices.Grow(s.Pix, cifarImage)[:off+cifarImage]
		interleaveRGB(s.Pix[off:], rec[1:])
	}
	return s, nil
}

// interleaveRGB turns one planar image (all red, all green, all blue) into
// RGB triples in dst.
func interleaveRGB(dst, planar []uint8) {
	r := planar[:cifarPlane]
	g := planar[cifarPlane : 2*cifarPlane]
	b := planar[2*cifarPlane : 3*cifarPlane]
	dst = dst[:3*cifarPlane]
	for i := range r {
		dst[3*i], dst[3*i+1], dst[3*i+2] = r[i], g[i], b[i]
	}
}

// concatSets joins same-shaped labelled sets in order, sharing the only
// one's storage when there is just one.
func concatSets(parts []*Set) *Set {
	if len(parts) == 1 {
		return parts[0]
	}
	var npix, nlab int
	for _, p := range parts {
		npix += len(p.Pix)
		nlab += len(p.Labels)
	}
	s := &Set{W: parts[0].W, H: parts[0].H, C: parts[0].C,
		Pix: make([]uint8, 0, npix), Labels: make([]uint8, 0, nlab)}
	for _, p := range parts {
		s.Pix = append(s.Pix, p.Pix...)
		s.Labels = append(s.Labels, p.Labels...)
	}
	return s
}
