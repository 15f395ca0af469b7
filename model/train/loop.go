package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"
)

// Stepper is a training run as Loop drives it: the lossless trainer's and
// the auto-encoder's (package model/ae).
type Stepper interface {
	// Step takes one training step; Steps is how many are done.
	Step() error
	Steps() int64
	// Evaluate measures the test set.
	Evaluate() error
	// Progress logs a progress line saying p.
	Progress(p Pace)
	// Save writes a checkpoint after session's training time.
	Save(session time.Duration) error
}

// Limits bound a Loop and say how often it reports.
type Limits struct {
	Steps           int64         // stop at this many steps in all; 0: no limit
	Duration        time.Duration // stop after training this long; 0: no limit
	EvalEvery       int64         // steps between evaluations; 0: never
	ProgressEvery   time.Duration // interval between progress lines
	CheckpointEvery time.Duration // interval between checkpoints; 0: only at the end
}

// Pace is how far a run has come and how fast it goes, as Loop measures
// it for each progress line.
type Pace struct {
	Step string  // steps done, then "/" and the step limit if there is one
	Rate float64 // steps per second since the last line
	ETA  string  // time left before the nearest limit at Rate; "-" with none
}

// pace is the Pace of a run at step under l, which took steps in the last
// window and has trained for session.
func (l Limits) pace(step, steps int64, window, session time.Duration) Pace {
	p := Pace{Step: fmt.Sprint(step), Rate: float64(steps) / max(window.Seconds(), 1e-9), ETA: "-"}
	if l.Steps > 0 {
		p.Step += fmt.Sprintf("/%d", l.Steps)
	}
	left := time.Duration(math.MaxInt64)
	if l.Steps > 0 && p.Rate > 0 {
		left = time.Duration(float64(max(l.Steps-step, 0)) / p.Rate * float64(time.Second))
	}
	if l.Duration > 0 {
		left = min(left, max(l.Duration-session, 0))
	}
	if left != time.Duration(math.MaxInt64) {
		p.ETA = left.Round(time.Second).String()
	}
	return p
}

// Loop runs s's steps until a limit or ctx's cancellation (which it logs to
// log), evaluating, logging progress and saving as lim says, and at the end
// evaluates (unless the last step just did), logs and saves once more.
func Loop(ctx context.Context, s Stepper, lim Limits, log io.Writer) error {
	start := time.Now()
	lastLog, lastSave, lastStep := start, start, s.Steps()
	for {
		if ctx.Err() != nil {
			fmt.Fprintf(log, "interrupted at step %d\n", s.Steps())
			break
		}
		if (lim.Steps > 0 && s.Steps() >= lim.Steps) || (lim.Duration > 0 && time.Since(start) >= lim.Duration) {
			break
		}
		if err := s.Step(); err != nil {
			return err
		}
		if lim.EvalEvery > 0 && s.Steps()%lim.EvalEvery == 0 {
			if err := s.Evaluate(); err != nil {
				return err
			}
		}
		now := time.Now()
		if now.Sub(lastLog) >= lim.ProgressEvery {
			s.Progress(lim.pace(s.Steps(), s.Steps()-lastStep, now.Sub(lastLog), now.Sub(start)))
			lastLog, lastStep = now, s.Steps()
		}
		if lim.CheckpointEvery > 0 && now.Sub(lastSave) >= lim.CheckpointEvery {
			if err := s.Save(time.Since(start)); err != nil {
				return err
			}
			lastSave = time.Now()
		}
	}
	if lim.EvalEvery > 0 && s.Steps()%lim.EvalEvery != 0 {
		if err := s.Evaluate(); err != nil {
			return err
		}
	}
	now := time.Now()
	s.Progress(lim.pace(s.Steps(), s.Steps()-lastStep, now.Sub(lastLog), now.Sub(start)))
	return s.Save(time.Since(start))
}
