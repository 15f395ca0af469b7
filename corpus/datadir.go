package corpus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrUnavailable is wrapped by errors saying a data set is not on this
// machine, as opposed to being present but broken.
var ErrUnavailable = errors.New("data set unavailable")

// Names of the data inside the folder [DataDir] returns.
const (
	CIFARArchive = "cifar-10-binary.tar.gz"
	PhotosDir    = "photos"
)

// DataDir finds the shared data folder: $PXCZ_DATA when set, otherwise the
// first "shared/data" folder found beside the working directory or one of
// its ancestors, so that a checkout next to a shared folder finds it from
// any of its packages.
func DataDir() (string, error) {
	if env := os.Getenv("PXCZ_DATA"); env != "" {
		if !isDir(env) {
			return "", fmt.Errorf("corpus: PXCZ_DATA=%q is not a folder: %w", env, ErrUnavailable)
		}
		return env, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("corpus: looking for shared/data: %w", err)
	}
	for dir := wd; ; {
		if cand := filepath.Join(dir, "shared", "data"); isDir(cand) {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("corpus: no shared/data folder in %s or above it, and PXCZ_DATA is unset: %w", wd, ErrUnavailable)
		}
		dir = parent
	}
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
