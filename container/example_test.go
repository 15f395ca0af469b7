package container_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/pxcz/pxcz/container"
)

// A header is written in front of the payload and read back from the
// start of a file; FORMAT.md's worked example explains these bytes.
func Example() {
	h := &container.Header{
		Width: 32, Height: 32, Layout: container.RGB,
		Mixed:       true, // every payload of version 4 on mixes the model with predictors
		ModelNumber: 4,    // a model built into the codec, named by number
		Params:      3,    // pxcz: coded turned by 180°
		CRC:         container.PixelCRC(make([]byte, 32*32*3)),
		Streams:     []int64{-1}, // one substream, running to the end of the file
	}
	var file bytes.Buffer
	if err := container.WriteHeader(&file, h); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("% x\n", file.Bytes())
	file.WriteString("payload")

	got, err := container.ReadHeader(&file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Version, got.Width, got.Height, got.Layout, got.Mode, got.ModelNumber, got.MatchCRC(h.CRC))
	fmt.Println(file.String()) // ReadHeader stops where the payload starts
	// Output:
	// 50 58 5a 05 6a 20 20 04 a3 41
	// 5 32 32 RGB Lossless 4 true
	// payload
}
