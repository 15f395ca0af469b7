package arith_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/pxcz/pxcz/arith"
)

// Three symbols with probabilities 1/2, 1/4 and 1/4: a table is the
// cumulative frequencies, from 0 to arith.Total. The stream is the
// message's information content rounded up to whole bytes (a 0 costs 1
// bit, a 1 or a 2 costs 2: 22 bits here), and the decoder, given the same
// tables, gets the symbols back.
func Example() {
	cum := []uint32{0, arith.Total / 2, arith.Total * 3 / 4, arith.Total}
	msg := []int{0, 0, 1, 0, 2, 0, 1, 2, 0, 0, 0, 1, 0, 2, 0, 0}

	var stream bytes.Buffer
	enc := arith.NewEncoder(&stream)
	for _, s := range msg {
		enc.EncodeSymbol(cum, s)
	}
	if err := enc.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(msg), "symbols,", stream.Len(), "bytes")

	dec := arith.NewDecoder(&stream)
	got := make([]int, len(msg))
	for i := range got {
		got[i] = dec.Decode(cum)
	}
	if err := dec.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(got, dec.AtEnd())
	// Output:
	// 16 symbols, 3 bytes
	// [0 0 1 0 2 0 1 2 0 0 0 1 0 2 0 0] true
}
