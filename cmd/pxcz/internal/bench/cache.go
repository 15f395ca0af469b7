package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pxcz/pxcz/internal/atomicfile"
)

// Cache keeps every finished round trip as one small JSON file, so that a run
// that was stopped resumes where it was. A result is found again only for
// the same image content and the same codec key (settings, tool version,
// model fingerprint).
type Cache struct{ dir string }

// cacheRecord is one cached result. The key fields are stored too and
// checked on reading, so that a file can never answer for another key.
type cacheRecord struct {
	Version  int    `json:"version"` // cacheVersion; records of others are misses
	Image    string `json:"image"`
	Codec    string `json:"codec"`
	Bytes    int64  `json:"bytes"`
	EncodeNS int64  `json:"encode_ns"`
	DecodeNS int64  `json:"decode_ns"`
	Failure  string `json:"failure,omitempty"`
	// What a near-lossless or lossy round trip measured of its error.
	NearLossless bool    `json:"near_lossless,omitempty"`
	MaxError     int     `json:"max_error,omitempty"`
	SqError      int64   `json:"sq_error,omitempty"`
	PSNR         float64 `json:"psnr,omitempty"`
	MSSSIM       float64 `json:"ms_ssim,omitempty"`
	Family       string  `json:"family,omitempty"`
}

// cacheVersion is the version of the records Put writes: 2 keeps the
// error measurements, which the records of version 1 lacked.
const cacheVersion = 2

// OpenCache uses dir as a cache, creating it if needed.
func OpenCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

func (c *Cache) path(image, codec string) string {
	sum := sha256.Sum256([]byte(image + "\n" + codec))
	name := hex.EncodeToString(sum[:20])
	return filepath.Join(c.dir, name[:2], name+".json")
}

// Get returns the cached outcome of codec (a Codec's Key) on the image with
// the given digest: the size, the times, the error measured and the
// failure, if any. A missing or unreadable entry, or one of another
// version, is a miss.
func (c *Cache) Get(image, codec string) (r Result, ok bool) {
	data, err := os.ReadFile(c.path(image, codec))
	if err != nil {
		return Result{}, false
	}
	var rec cacheRecord
	if json.Unmarshal(data, &rec) != nil || rec.Version != cacheVersion || rec.Image != image || rec.Codec != codec {
		return Result{}, false
	}
	return Result{
		Bytes:        rec.Bytes,
		Encode:       time.Duration(rec.EncodeNS),
		Decode:       time.Duration(rec.DecodeNS),
		Failure:      rec.Failure,
		NearLossless: rec.NearLossless, MaxError: rec.MaxError, SqError: rec.SqError,
		PSNR: rec.PSNR, MSSSIM: rec.MSSSIM, Family: rec.Family,
		Cached: true,
	}, true
}

// Put stores r's outcome. The file appears whole or not at all, so an
// interrupted run leaves no half-written entry behind.
func (c *Cache) Put(image, codec string, r Result) error {
	data, err := json.Marshal(cacheRecord{
		Version: cacheVersion, Image: image, Codec: codec, Bytes: r.Bytes,
		EncodeNS: int64(r.Encode), DecodeNS: int64(r.Decode), Failure: r.Failure,
		NearLossless: r.NearLossless, MaxError: r.MaxError, SqError: r.SqError,
		PSNR: r.PSNR, MSSSIM: r.MSSSIM, Family: r.Family,
	})
	if err != nil {
		return err
	}
	path := c.path(image, codec)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}
