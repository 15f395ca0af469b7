package train

import (
	"encoding/json"
	"testing"
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
