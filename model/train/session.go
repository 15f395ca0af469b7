package train

import (
	"errors"
	"fmt"
	"io"

	"github.com/pxcz/pxcz/corpus"
)

// Session is what the options of every training run share, the lossless
// model's (Options) and the auto-encoder's (package model/ae): when to
// stop, measure, report and checkpoint, and where to log. A resumed run
// takes these from its caller, not from its checkpoint: they shape the
// session, not the trajectory.
//
// Options embed it without a JSON name, so that its fields stand in a
// checkpoint's header as the options' own did before there was a Session.
type Session struct {
	Limits

	Checkpoint string // checkpoint file; empty: none
	// Resume continues from Checkpoint when that file exists.
	Resume     bool
	EvalImages int // how many CIFAR-10 test images (the first ones) to evaluate

	Log io.Writer `json:"-"` // progress lines; nil: discarded
	// Train and Test, when set, replace the data loaded from disk (tests and
	// callers that already hold a corpus.Set use them).
	Train, Test *corpus.Set `json:"-"`
}

// CheckSession reports the first problem with s. It is no method of
// Session's, which the Options that embed Session would then seem to have
// to check all of themselves.
func CheckSession(s *Session) error {
	switch {
	case s.Steps < 0 || s.Duration < 0:
		return errors.New("negative step or time limit")
	case s.Resume && s.Checkpoint == "":
		return errors.New("resume needs a checkpoint path")
	case s.EvalEvery < 0 || (s.EvalEvery > 0 && s.EvalImages < 1):
		return fmt.Errorf("evaluation every %d steps on %d images", s.EvalEvery, s.EvalImages)
	}
	return nil
}
