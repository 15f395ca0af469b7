//go:build js && wasm

package main

import (
	"os"
	"syscall/js"
	"time"
)

// main registers pxczDecode(name, bytes) with the page: it returns
// {width, height, rgba, sha256, info, ms}, rgba a Uint8ClampedArray for
// ImageData, or {error} for a file that does not decode. Given files (run
// by Node.js's wasm_exec_node.js), it prints their sums as the native
// build does.
func main() {
	if len(os.Args) > 1 {
		printSums(os.Args[1:])
	}
	js.Global().Set("pxczDecode", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 2 {
			return map[string]any{"error": "pxczDecode wants a name and a Uint8Array"}
		}
		data := make([]byte, args[1].Get("length").Int())
		js.CopyBytesToGo(data, args[1])
		start := time.Now()
		d, err := decode(args[0].String(), data)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		ms := float64(time.Since(start).Microseconds()) / 1000
		rgba := js.Global().Get("Uint8ClampedArray").New(len(d.rgba))
		js.CopyBytesToJS(rgba, d.rgba)
		return map[string]any{"width": d.width, "height": d.height, "rgba": rgba, "sha256": d.sum, "info": d.info, "ms": ms}
	}))
	select {} // keep the function alive for the page
}
