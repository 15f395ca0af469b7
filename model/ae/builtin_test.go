package ae

import "testing"

// TestBuiltins checks the table of embedded lossy models against the files.
func TestBuiltins(t *testing.T) {
	if err := builtins.Check(lossyFiles, "*.pxcl"); err != nil {
		t.Fatal(err)
	}
}
