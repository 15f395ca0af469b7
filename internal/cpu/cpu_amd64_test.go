//go:build amd64 && !noasm

package cpu

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestAgreesWithLinux checks the probe against the flags the Linux kernel
// lists, which it clears for extensions whose state it does not save.
func TestAgreesWithLinux(t *testing.T) {
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("no /proc/cpuinfo to compare with: %v", err)
	}
	var flags []string
	for line := range strings.Lines(string(info)) {
		if name, list, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = strings.Fields(list)
			break
		}
	}
	if flags == nil {
		t.Skip("/proc/cpuinfo lists no flags")
	}
	for _, c := range []struct {
		flag string
		got  bool
	}{{"avx2", X86.HasAVX2}, {"fma", X86.HasFMA}, {"avx512_vnni avx512vl", X86.HasVNNI}, {"avx512f", X86.HasAVX512F}} {
		want := true
		for _, f := range strings.Fields(c.flag) {
			want = want && slices.Contains(flags, f)
		}
		if c.got != want {
			t.Errorf("%s: probe says %v, /proc/cpuinfo says %v", c.flag, c.got, want)
		}
	}
}
