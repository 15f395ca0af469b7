//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: decoder FILE.pxcz...")
		os.Exit(2)
	}
	printSums(os.Args[1:])
}
