package bench

import (
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // folders of images may hold any format Go decodes
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pxcz/pxcz/corpus"
)

// Dataset is a named list of images that one table section summarizes.
type Dataset struct {
	Name  string
	Items []Item
	// Notes say what was left out of the set and why.
	Notes []string
}

// Item is one image of a data set. It is loaded only when its turn comes,
// so a folder of photographs is never all in memory at once.
type Item struct {
	Name string
	// Pixels is W*H, known before loading so that progress and scheduling
	// can weigh images by size.
	Pixels int64
	Load   func() (*Pixels, error)
}

// SourceOptions say how Open reads paths.
type SourceOptions struct {
	// Limit keeps the first Limit images of each data set; 0 keeps all.
	Limit int
	// Split is the CIFAR-10 split read from an archive or folder ("test" or
	// "train"); a single .bin batch file is read whatever it says.
	Split string
}

// imageExts are the file extensions a folder's images are recognized by.
var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".pgm": true, ".ppm": true, ".pam": true, ".pnm": true}

// Open turns command-line paths into data sets. A CIFAR-10 archive
// (.tar.gz), batch file (.bin) or folder (holding cifar-10-batches-bin/ or
// the .bin files) is one data set; so is a folder of images, sub-folders
// included; image files named one by one are grouped by the folder they are
// in, so that "photos/*.png" is one set.
func Open(paths []string, opt SourceOptions) ([]*Dataset, error) {
	var sets []*Dataset
	loose := map[string]*Dataset{} // single files, by folder
	for _, path := range paths {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		var set *Dataset
		switch {
		case isCIFAR(path, fi):
			set, err = openCIFAR(path, opt.Split)
		case fi.IsDir():
			set, err = openFolder(path)
		default:
			dir := filepath.Dir(path)
			if set = loose[dir]; set == nil {
				set = &Dataset{Name: filepath.Base(absOr(dir))}
				loose[dir] = set
				sets = append(sets, set)
			}
			item, skip, err := imageItem(path, path)
			if err != nil {
				return nil, err
			}
			if skip != "" {
				return nil, fmt.Errorf("%s: %s", path, skip)
			}
			set.Items = append(set.Items, item)
			continue
		}
		if err != nil {
			return nil, err
		}
		sets = append(sets, set)
	}
	for _, s := range sets {
		if opt.Limit > 0 && len(s.Items) > opt.Limit {
			s.Items = s.Items[:opt.Limit]
		}
		if len(s.Items) == 0 {
			return nil, fmt.Errorf("data set %s holds no images", s.Name)
		}
	}
	return sets, nil
}

// isCIFAR tells a CIFAR-10 path from an image or folder of images by name,
// which is how the official archive is laid out.
func isCIFAR(path string, fi fs.FileInfo) bool {
	name := strings.ToLower(filepath.Base(path))
	if !fi.IsDir() {
		return strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".tgz") || strings.HasSuffix(name, ".bin")
	}
	if st, err := os.Stat(filepath.Join(path, "cifar-10-batches-bin")); err == nil && st.IsDir() {
		return true
	}
	bins, _ := filepath.Glob(filepath.Join(path, "*_batch*.bin"))
	return len(bins) > 0
}

func openCIFAR(path, split string) (*Dataset, error) {
	if split == "" {
		split = "test"
	}
	set, err := corpus.LoadCIFAR(path, split)
	if err != nil {
		return nil, err
	}
	name := "CIFAR-10 " + split
	if strings.HasSuffix(strings.ToLower(path), ".bin") {
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	d := &Dataset{Name: name, Items: make([]Item, set.Len())}
	for n := range d.Items {
		d.Items[n] = Item{
			Name:   fmt.Sprintf("%s #%d", name, n),
			Pixels: int64(set.W * set.H),
			Load:   func() (*Pixels, error) { return FromImage(set.ToImage(n)) },
		}
	}
	return d, nil
}

// openFolder lists the images under dir in lexical order, reading only their
// headers now.
func openFolder(dir string) (*Dataset, error) {
	d := &Dataset{Name: filepath.Base(absOr(dir))}
	var files []string
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && imageExts[strings.ToLower(filepath.Ext(path))] {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		item, skip, err := imageItem(path, filepath.ToSlash(rel))
		if err != nil {
			return nil, err
		}
		if skip != "" {
			d.Notes = append(d.Notes, fmt.Sprintf("%s: skipped %s: %s", d.Name, rel, skip))
			continue
		}
		d.Items = append(d.Items, item)
	}
	return d, nil
}

// imageItem reads an image file's header. skip says why an image that is
// readable cannot be benchmarked; err is for files that cannot be read.
func imageItem(path, name string) (item Item, skip string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return Item{}, "", err
	}
	defer f.Close()
	var cfg image.Config
	if isPNM(path) {
		p, err := ReadPNM(f)
		if err != nil {
			return Item{}, "", fmt.Errorf("%s: %w", path, err)
		}
		cfg = image.Config{Width: p.W, Height: p.H, ColorModel: color.NRGBAModel}
	} else if cfg, _, err = image.DecodeConfig(f); err != nil {
		return Item{}, "", fmt.Errorf("%s: %w", path, err)
	}
	switch cfg.ColorModel {
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model, color.Alpha16Model:
		return Item{}, "16 bits per channel (the benchmark measures 8-bit images)", nil
	}
	return Item{Name: name, Pixels: int64(cfg.Width) * int64(cfg.Height), Load: func() (*Pixels, error) { return loadImage(path) }}, "", nil
}

func isPNM(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pgm", ".ppm", ".pam", ".pnm":
		return true
	}
	return false
}

// loadImage decodes an image file into Pixels.
func loadImage(path string) (*Pixels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if isPNM(path) {
		p, err := ReadPNM(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return p, nil
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p, err := FromImage(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// absOr returns path made absolute, so that "." is named for the folder it
// is, or path itself if that fails.
func absOr(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}
