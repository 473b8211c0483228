package request

// Request is what one container asks of one vendor.
type Request struct {
	Vendor string `json:"vendor"`
	// Count is the number of devices.
	Count int32 `json:"count"`
	// Exactly one of MemoryMiB and MemoryPercent is set after defaults:
	// memory per device in MiB, or in percent of each device's memory.
	MemoryMiB     int64 `json:"memoryMiB,omitempty"`
	MemoryPercent int32 `json:"memoryPercent,omitempty"`
	// Cores is the compute share per device in percent; 100 = exclusive.
	Cores int32 `json:"cores"`
}

// Container is the device requests of one container, one per vendor, in
// vendor order.
type Container struct {
	Name     string    `json:"name"`
	Init     bool      `json:"init,omitempty"`
	Requests []Request `json:"requests"`
}

// Pod is the parsed device demand of a pod: only containers that ask for a
// managed resource appear.
type Pod struct {
	Containers []Container
	// Selection holds each vendor's narrowing annotations.
	Selection map[string]Selection
	// NodePolicy and DevicePolicy are the pod's own choices, empty when it
	// leaves them to the configured default.
	NodePolicy   string
	DevicePolicy string
}

// Selection narrows which devices of a vendor may serve the pod.
type Selection struct {
	UseTypes   []string
	NoUseTypes []string
	UseUUIDs   []string
	NoUseUUIDs []string
	// Mode is the requested device mode; empty lets the device choose.
	Mode     string
	NUMABind bool
}

// Empty reports whether the pod asks for nothing we manage.
func (p *Pod) Empty() bool { return len(p.Containers) == 0 }

// Vendors lists the vendors the pod asks for, in first-seen order.
func (p *Pod) Vendors() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range p.Containers {
		for _, r := range c.Requests {
			if !seen[r.Vendor] {
				seen[r.Vendor] = true
				out = append(out, r.Vendor)
			}
		}
	}
	return out
}
