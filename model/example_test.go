package model_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/pxcz/pxcz/model"
)

// The built-in model for a 32x32 image gives the information content of
// the image's pixels under it, the size (in bits) a file of the image
// approaches.
func Example() {
	m, err := model.For(32, 32)
	if err != nil {
		log.Fatal(err)
	}
	cc := m.Config().Channels
	flat := bytes.Repeat([]byte{128}, 32*32*cc) // a flat grey image
	noise := make([]byte, 32*32*cc)             // deterministic noise
	for i, x := 0, uint32(1); i < len(noise); i++ {
		x = x*1664525 + 1013904223
		noise[i] = byte(x >> 24)
	}
	flatBits, err := m.Bits(flat, 32, 32, nil)
	if err != nil {
		log.Fatal(err)
	}
	noiseBits, err := m.Bits(noise, 32, 32, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("built in as number", m.Number() != 0)
	// Noise costs more than the 8 bits it holds: the model expects
	// neighbouring pixels to agree.
	fmt.Println("flat image under 4 bits/dim:", flatBits/float64(len(flat)) < 4)
	fmt.Println("noise over 8 bits/dim:", noiseBits/float64(len(noise)) > 8)
	// Output:
	// built in as number true
	// flat image under 4 bits/dim: true
	// noise over 8 bits/dim: true
}

// A weights file loads back to the same model: the fingerprint, which
// files name a model by, is the hash of the file.
func ExampleLoad() {
	m, err := model.Default()
	if err != nil {
		log.Fatal(err)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	m2, err := model.Load(bytes.NewReader(data))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m2.Fingerprint() == m.Fingerprint(), m2.Number() == m.Number())

	_, err = model.Load(bytes.NewReader(data[:len(data)-1]))
	fmt.Println(err)
	// Output:
	// true true
	// model: corrupt weights file: truncated
}
