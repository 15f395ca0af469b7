package main

import (
	"fmt"
	"os"
	"time"
)

// printSums prints, for each .pxcz file named, the SHA-256 of its decoded
// pixels (straight-alpha RGBA, as the page hashes them) and the decoding
// time (the first file's includes loading the model), and exits.
func printSums(names []string) {
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err == nil {
			start := time.Now()
			var d *decoded
			if d, err = decode(name, data); err == nil {
				fmt.Printf("%s %s %.1f ms\n", d.sum, name, float64(time.Since(start).Microseconds())/1000)
				continue
			}
		}
		fmt.Fprintf(os.Stderr, "decoder: %s: %v\n", name, err)
		os.Exit(1)
	}
	os.Exit(0)
}
