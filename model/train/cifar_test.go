package train

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
)

// TestRunCIFAR trains a tiny model for a few steps on the real CIFAR-10
// archive, evaluating on its test split.
func TestRunCIFAR(t *testing.T) {
	if testing.Short() {
		t.Skip("loads CIFAR-10; skipped with -short")
	}
	dir, err := corpus.DataDir()
	if errors.Is(err, corpus.ErrUnavailable) {
		t.Skipf("no shared data folder: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.CIFAR = filepath.Join(dir, corpus.CIFARArchive)
	o.Config = model.Config{Channels: 3, Features: 12, Layers: 2, Kernel: 3, Hidden: 12, Cond: 10}
	o.Steps, o.Batch, o.EvalEvery, o.EvalImages = 3, 4, 2, 8
	o.Checkpoint = filepath.Join(t.TempDir(), "cifar.ckpt")
	var log bytes.Buffer
	o.Log = &log
	if err := Run(context.Background(), o); errors.Is(err, corpus.ErrUnavailable) || errors.Is(err, fs.ErrNotExist) {
		t.Skipf("CIFAR-10 not available: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "step 3/3") || strings.Contains(log.String(), "test - bpd") {
		t.Errorf("unexpected progress log:\n%s", log.String())
	}
}
