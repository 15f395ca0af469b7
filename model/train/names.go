package train

import "fmt"

// tensorName names entry i of Params.Tensors() for messages, such as
// "layer 2 HW" or "head W1".
func tensorName(layers, i int) string {
	if i < 9*layers {
		return fmt.Sprintf("layer %d %s", i/9, [...]string{"VW", "VB", "VC", "HW", "HV", "HB", "HC", "RW", "RB"}[i%9])
	}
	if j := i - 9*layers; j < 4 {
		return "head " + [...]string{"W1", "B1", "W2", "B2"}[j]
	}
	return fmt.Sprintf("tensor %d", i)
}
