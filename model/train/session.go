package train

import (
	"errors"
	"fmt"
	"io"
	"os"

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
	// Resume continues from Checkpoint when that file exists (LoadResume).
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

// LoadResume loads, with load, the checkpoint that a run of session s
// resumes, and hands it to resume, which takes the options saved in it and
// checks them. It returns the zero C, not calling resume, when s does not
// resume or its checkpoint has not been written yet: the run starts afresh.
func LoadResume[C any](s *Session, load func(path string) (C, error), resume func(C) error) (C, error) {
	var zero C
	if !s.Resume {
		return zero, nil
	}
	path := s.Checkpoint // before resume replaces the options that hold s
	c, err := load(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return zero, nil
	case err != nil:
		return zero, err
	}
	if err := resume(c); err != nil {
		return zero, fmt.Errorf("%w (options from checkpoint %s)", err, path)
	}
	return c, nil
}
