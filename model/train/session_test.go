package train

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSessionJSON checks that the Session embedded in Options stands in
// JSON (a checkpoint's header) as the options' own fields did before
// there was a Session, so that old checkpoints resume with their settings.
func TestSessionJSON(t *testing.T) {
	old := `{"Batch":4,"Steps":7,"Duration":8,"Checkpoint":"a.ckpt","CheckpointEvery":9,"Resume":true,"EvalEvery":3,"EvalImages":2,"ProgressEvery":5}`
	var o Options
	if err := json.Unmarshal([]byte(old), &o); err != nil {
		t.Fatal(err)
	}
	want := Session{Limits: Limits{Steps: 7, Duration: 8, EvalEvery: 3, ProgressEvery: 5, CheckpointEvery: 9},
		Checkpoint: "a.ckpt", Resume: true, EvalImages: 2}
	if o.Session != want || o.Batch != 4 {
		t.Errorf("%s reads as batch %d and %+v", old, o.Batch, o.Session)
	}
	data, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Steps", "Duration", "Checkpoint", "CheckpointEvery", "Resume", "EvalEvery", "EvalImages", "ProgressEvery"} {
		if _, ok := fields[name]; !ok {
			t.Errorf("%s lacks %s", data, name)
		}
	}
	for _, name := range []string{"Session", "Limits", "Log", "Train", "Test"} {
		if _, ok := fields[name]; ok {
			t.Errorf("%s has %s", data, name)
		}
	}
}

// TestPace checks the step, speed and time left that progress lines show.
func TestPace(t *testing.T) {
	for _, c := range []struct {
		lim             Limits
		step, steps     int64
		window, session time.Duration
		want            Pace
	}{
		{Limits{}, 10, 4, 2 * time.Second, time.Minute, Pace{"10", 2, "-"}},
		{Limits{Steps: 100}, 10, 4, 2 * time.Second, time.Minute, Pace{"10/100", 2, "45s"}},
		{Limits{Steps: 100}, 10, 0, time.Second, time.Minute, Pace{"10/100", 0, "-"}},
		{Limits{Duration: time.Hour}, 10, 4, 2 * time.Second, time.Minute, Pace{"10", 2, "59m0s"}},
		{Limits{Steps: 100, Duration: time.Hour}, 10, 4, 2 * time.Second, time.Minute, Pace{"10/100", 2, "45s"}},
		{Limits{Steps: 100, Duration: time.Minute}, 120, 4, 2 * time.Second, 2 * time.Minute, Pace{"120/100", 2, "0s"}},
	} {
		if got := c.lim.pace(c.step, c.steps, c.window, c.session); got != c.want {
			t.Errorf("%+v at step %d, %d steps in %v, %v in: %+v, want %+v", c.lim, c.step, c.steps, c.window, c.session, got, c.want)
		}
	}
}

// TestLoadResume checks when a run resumes, and that an error in the
// checkpoint's options names the checkpoint.
func TestLoadResume(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	if err := os.WriteFile(path, []byte("saved"), 0o644); err != nil {
		t.Fatal(err)
	}
	load := func(p string) (*string, error) {
		data, err := os.ReadFile(p)
		s := string(data)
		return &s, err
	}
	var resumed []string
	take := func(c *string) error { resumed = append(resumed, *c); return nil }
	for _, s := range []Session{{Checkpoint: path}, {Checkpoint: filepath.Join(dir, "none.ckpt"), Resume: true}} {
		if c, err := LoadResume(&s, load, take); c != nil || err != nil {
			t.Errorf("%+v resumes %v, %v", s, c, err)
		}
	}
	if c, err := LoadResume(&Session{Checkpoint: path, Resume: true}, load, take); c == nil || *c != "saved" || err != nil {
		t.Errorf("resuming %s gives %v, %v", path, c, err)
	}
	if len(resumed) != 1 || resumed[0] != "saved" {
		t.Errorf("resume took %q", resumed)
	}
	errBad := errors.New("bad options")
	_, err := LoadResume(&Session{Checkpoint: path, Resume: true}, load, func(*string) error { return errBad })
	if !errors.Is(err, errBad) || !strings.Contains(err.Error(), path) {
		t.Errorf("options the checkpoint rejects give %v", err)
	}
	_, err = LoadResume(&Session{Checkpoint: dir, Resume: true}, load, take)
	if err == nil {
		t.Error("a checkpoint that does not read resumes")
	}
}
