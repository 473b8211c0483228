package config

import "slices"

// Node is the configuration in force on one node: the document's values with
// that node's override applied.
type Node struct {
	DeviceMemoryScaling float64
	DeviceCoreScaling   float64
	DeviceSplitCount    int32
	MigStrategy         string
	DisableCoreLimit    bool
	Filter              DeviceFilter
}

// ForNode resolves the configuration for the named node.
func (c *Config) ForNode(name string) Node {
	n := Node{
		DeviceMemoryScaling: c.DeviceMemoryScaling,
		DeviceCoreScaling:   c.DeviceCoreScaling,
		DeviceSplitCount:    c.DeviceSplitCount,
		MigStrategy:         c.MigStrategy,
		DisableCoreLimit:    c.DisableCoreLimit,
	}
	i := slices.IndexFunc(c.Nodes, func(o NodeOverride) bool { return o.Name == name })
	if i < 0 {
		return n
	}
	o := c.Nodes[i]
	setIf(&n.DeviceMemoryScaling, o.DeviceMemoryScaling)
	setIf(&n.DeviceCoreScaling, o.DeviceCoreScaling)
	setIf(&n.DeviceSplitCount, o.DeviceSplitCount)
	setIf(&n.MigStrategy, o.MigStrategy)
	setIf(&n.DisableCoreLimit, o.DisableCoreLimit)
	if o.FilterDevices != nil {
		n.Filter = *o.FilterDevices
	}
	return n
}

// Hides reports whether the filter hides the device with this uuid or index.
func (f DeviceFilter) Hides(uuid string, index int) bool {
	return slices.Contains(f.UUIDs, uuid) || slices.Contains(f.Indexes, index)
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
