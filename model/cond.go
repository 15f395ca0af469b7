package model

import "fmt"

// OneHot returns the conditioning vector that selects class c of a
// class-conditional model: 1 (1024 in Q10) at c and 0 for the other
// Config.Cond-1 classes.
func (m *Model) OneHot(c int) ([]int16, error) {
	d := m.cfg.Cond
	if d == 0 {
		return nil, fmt.Errorf("model: %q is unconditional; it takes no class", m.name)
	}
	if c < 0 || c >= d {
		return nil, fmt.Errorf("model: class %d; %q takes classes 0..%d", c, m.name, d-1)
	}
	h := make([]int16, d)
	h[c] = qOne
	return h, nil
}
