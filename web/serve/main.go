// Command serve serves a folder over HTTP on 127.0.0.1, for trying the
// browser decoder: serve [-addr 127.0.0.1:8080] DIR. It prints its address
// when it is listening.
package main

import (
	"flag"
	"fmt"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen on `ADDR` (port 0: any free port)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: serve [-addr ADDR] DIR")
		os.Exit(2)
	}
	mime.AddExtensionType(".wasm", "application/wasm")
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("http://%s/\n", ln.Addr())
	log.Fatal(http.Serve(ln, http.FileServer(http.Dir(flag.Arg(0)))))
}
