package bench

import (
	"math"
	"time"
)

// Row adds up one codec's results on one data set. Sizes and times are
// totals over the images the codec round-tripped; failed images count in
// Failed only.
type Row struct {
	Codec string
	// Images is how many images the codec round-tripped exactly.
	Images int
	// Failed is how many it did not; Failures holds the first few reasons.
	Failed            int
	Failures          []string
	Pixels, SubPixels int64
	Bytes             int64
	Encode, Decode    time.Duration
	// NearLossless marks a near-lossless codec's row, whose MaxError is
	// the largest difference of a sub-pixel over every image and SqError
	// the sum of the squared differences.
	NearLossless bool
	MaxError     int
	SqError      int64
	// A lossy codec's family of operating points and its per-image sums:
	// bits per pixel, PSNR, and MS-SSIM over the MSSSIMImages that have it.
	Family       string
	BPPSum       float64
	PSNRSum      float64
	MSSSIMSum    float64
	MSSSIMImages int
}

// MeanBPP, MeanPSNR and MeanMSSSIM are a lossy codec's per-image means of
// bits per pixel, PSNR (dB) and MS-SSIM (NaN when no image had one), as
// CompressAI's tables give them.
func (r Row) MeanBPP() float64  { return r.BPPSum / float64(r.Images) }
func (r Row) MeanPSNR() float64 { return r.PSNRSum / float64(r.Images) }
func (r Row) MeanMSSSIM() float64 {
	if r.MSSSIMImages == 0 {
		return math.NaN()
	}
	return r.MSSSIMSum / float64(r.MSSSIMImages)
}

// PSNR is the peak signal-to-noise ratio over every sub-pixel of the images
// the codec round-tripped, in dB (+Inf for an exact round trip): from the
// mean squared difference of them all, so that each image weighs by its
// size, as bits per sub-pixel do.
func (r Row) PSNR() float64 {
	if r.SqError == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255*float64(r.SubPixels)/float64(r.SqError))
}

// maxFailures bounds the reasons a Row keeps.
const maxFailures = 3

// BitsPerSubPixel is total bytes × 8 / total sub-pixels: the data set's
// figure, which weighs each image by its size, rather than a mean of
// per-image figures.
func (r Row) BitsPerSubPixel() float64 {
	if r.SubPixels == 0 {
		return 0
	}
	return float64(r.Bytes) * 8 / float64(r.SubPixels)
}

// EncodeMPS is megapixels encoded per second of encode time, over all
// images; 0 when nothing was timed.
func (r Row) EncodeMPS() float64 { return mps(r.Pixels, r.Encode) }

// DecodeMPS is megapixels decoded per second of decode time.
func (r Row) DecodeMPS() float64 { return mps(r.Pixels, r.Decode) }

func mps(pixels int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(pixels) / 1e6 / d.Seconds()
}

// Summary is one data set's table.
type Summary struct {
	Dataset string
	// Images, Pixels and SubPixels count the whole data set.
	Images            int
	Pixels, SubPixels int64
	// Rows hold one codec each, in the order the codecs ran.
	Rows []Row
	// Best is the peer (any codec but the Subject) that failed on no image
	// and wrote the fewest bytes; nil when there is none.
	Best *Row
}

// nearLossless reports whether some row is a near-lossless codec's, whose
// table then shows every row's error.
func (s *Summary) nearLossless() bool {
	for _, r := range s.Rows {
		if r.NearLossless {
			return true
		}
	}
	return false
}

// Relative is r's total size over the best peer's. ok is false when there
// is no best peer, or when r failed on some image, so that its total covers
// fewer images and would flatter it.
func (s *Summary) Relative(r Row) (ratio float64, ok bool) {
	if s.Best == nil || r.Failed > 0 || s.Best.Bytes == 0 {
		return 0, false
	}
	return float64(r.Bytes) / float64(s.Best.Bytes), true
}

// Summarize adds results up per data set and codec, keeping the order in
// which data sets and codecs first appear.
func Summarize(results []Result) []*Summary {
	var sums []*Summary
	bySet := map[string]*Summary{}
	rowOf := map[[2]string]int{}
	seen := map[[2]string]bool{} // (data set, image) already counted
	for _, res := range results {
		s := bySet[res.Dataset]
		if s == nil {
			s = &Summary{Dataset: res.Dataset}
			bySet[res.Dataset] = s
			sums = append(sums, s)
		}
		if img := [2]string{res.Dataset, res.Image}; !seen[img] {
			seen[img] = true
			s.Images++
			s.Pixels += res.Pixels
			s.SubPixels += res.SubPixels
		}
		k := [2]string{res.Dataset, res.Codec}
		i, ok := rowOf[k]
		if !ok {
			i = len(s.Rows)
			rowOf[k] = i
			s.Rows = append(s.Rows, Row{Codec: res.Codec})
		}
		r := &s.Rows[i]
		if res.Failure != "" {
			r.Failed++
			if len(r.Failures) < maxFailures {
				r.Failures = append(r.Failures, res.Image+": "+res.Failure)
			}
			continue
		}
		r.Images++
		r.Pixels += res.Pixels
		r.SubPixels += res.SubPixels
		r.Bytes += res.Bytes
		r.Encode += res.Encode
		r.Decode += res.Decode
		r.NearLossless = r.NearLossless || res.NearLossless
		r.Family = res.Family
		r.BPPSum += float64(res.Bytes) * 8 / float64(res.Pixels)
		r.PSNRSum += res.PSNR
		if res.MSSSIM > 0 {
			r.MSSSIMSum += res.MSSSIM
			r.MSSSIMImages++
		}
		r.MaxError = max(r.MaxError, res.MaxError)
		r.SqError += res.SqError
	}
	for _, s := range sums {
		for i := range s.Rows {
			r := &s.Rows[i]
			if r.Codec != Subject && r.Failed == 0 && (s.Best == nil || r.Bytes < s.Best.Bytes) {
				s.Best = r
			}
		}
	}
	return sums
}
