package fakesdk

// Options are where a fake keeps what a real driver keeps, beyond its
// description.
type Options struct {
	// StatePath keeps the partitions the fake made in a file, so they
	// survive a plugin restart as the driver's do; empty keeps them in
	// memory only.
	StatePath string
	// DevRoot is where the fake makes the device files the driver would
	// (DevRoot/dev/...); empty makes none.
	DevRoot string
}
