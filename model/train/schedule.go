package train

import "math"

// Schedule is the learning rate as a function of the step: a linear warm-up
// from Peak/Warmup to Peak over the first Warmup steps, then a cosine decay
// that reaches Floor at step Decay and stays there. With Decay <= Warmup the
// rate stays at Peak after the warm-up.
type Schedule struct {
	Peak, Floor   float64
	Warmup, Decay int64
}

// LR is the learning rate of step (counting from 0).
func (s Schedule) LR(step int64) float64 {
	if step < s.Warmup {
		return s.Peak * float64(step+1) / float64(s.Warmup)
	}
	if s.Decay <= s.Warmup {
		return s.Peak
	}
	if step >= s.Decay {
		return s.Floor
	}
	frac := float64(step-s.Warmup) / float64(s.Decay-s.Warmup)
	return s.Floor + (s.Peak-s.Floor)*(1+math.Cos(math.Pi*frac))/2
}
