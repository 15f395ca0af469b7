package train

import (
	"context"
	"fmt"
	"io"
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
	// Progress logs a progress line: steps taken in the last window,
	// and the session's time so far.
	Progress(window time.Duration, steps int64, session time.Duration)
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
			s.Progress(now.Sub(lastLog), s.Steps()-lastStep, now.Sub(start))
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
	s.Progress(now.Sub(lastLog), s.Steps()-lastStep, now.Sub(start))
	return s.Save(time.Since(start))
}
