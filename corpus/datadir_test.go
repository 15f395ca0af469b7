package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDataDir(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "shared", "data")
	deep := filepath.Join(tmp, "main", "corpus", "sub")
	for _, d := range []string{data, deep} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, env, wd string
		want          string // "" means ErrUnavailable
	}{
		{"PXCZ_DATA wins", deep, deep, deep},
		{"PXCZ_DATA not a folder", filepath.Join(tmp, "missing"), deep, ""},
		{"found above the working directory", "", deep, data},
		{"found from the parent itself", "", tmp, data},
		{"absent", "", t.TempDir(), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PXCZ_DATA", tc.env)
			t.Chdir(tc.wd)
			got, err := DataDir()
			if tc.want == "" {
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("DataDir() = %q, %v; want an ErrUnavailable error", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("DataDir() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
