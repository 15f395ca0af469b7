package corpus

// CIFARClasses are CIFAR-10's class names, indexed by label.
var CIFARClasses = [10]string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// CIFARClass returns the label of a CIFAR-10 class name, and whether
// there is one.
func CIFARClass(name string) (int, bool) {
	for i, n := range CIFARClasses {
		if n == name {
			return i, true
		}
	}
	return 0, false
}
