package model

import (
	"slices"
	"strings"
	"testing"
)

func TestOneHot(t *testing.T) {
	cond := randomModel(t, Config{Channels: 3, Features: 6, Layers: 1, Kernel: 3, Hidden: 6, Cond: 4}, 3)
	plain := randomModel(t, Config{Channels: 3, Features: 6, Layers: 1, Kernel: 3, Hidden: 6}, 3)
	if h, err := cond.OneHot(2); err != nil || !slices.Equal(h, []int16{0, 0, qOne, 0}) {
		t.Errorf("class 2 of 4: %v, %v", h, err)
	}
	for _, tc := range []struct {
		m    *Model
		c    int
		want string
	}{{cond, 4, "classes 0..3"}, {cond, -1, "classes 0..3"}, {plain, 0, "unconditional"}} {
		if _, err := tc.m.OneHot(tc.c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("class %d of %d: error %v, want one saying %q", tc.c, tc.m.Config().Cond, err, tc.want)
		}
	}
}
