package train

import (
	"runtime"
	"sync"
)

// minRows is the least number of pixels or image rows worth a goroutine of
// their own; below it the hand-off costs more than it saves.
const minRows = 16

// parallel runs f over [0, n) split into one contiguous range per CPU. f
// must write disjoint memory for disjoint ranges; results then do not depend
// on the split.
func parallel(n int, f func(lo, hi int)) { parallelGrain(n, minRows, f) }

// parallelImages runs f for every image index below n, spread over the CPUs.
func parallelImages(n int, f func(img int)) {
	parallelGrain(n, 1, func(lo, hi int) {
		for img := lo; img < hi; img++ {
			f(img)
		}
	})
}

// parallelGrain is parallel with at least grain items per goroutine.
func parallelGrain(n, grain int, f func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/grain)
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := step; lo < n; lo += step {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(lo+step, n))
	}
	f(0, min(step, n))
	wg.Wait()
}
