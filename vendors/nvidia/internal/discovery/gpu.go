// Package discovery owns what the plugin learns about the node's GPUs from
// NVML: identity, memory, NUMA node, topology as link scores, and MIG
// capability with the profiles a GPU can be cut into.
package discovery

import (
	"errors"
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// GPU is one physical GPU as NVML describes it.
type GPU struct {
	UUID      string
	Index     int
	Minor     int
	Model     string
	MemoryMiB int64
	// NUMA is the GPU's NUMA node, -1 when unknown.
	NUMA int
	// MIGCapable: the GPU can be cut into MIG instances; MIGEnabled: it is
	// in MIG mode now.
	MIGCapable bool
	MIGEnabled bool
	// Slices is the number of MIG compute slices (7 on A100/H100).
	Slices   int32
	Profiles []Profile
	// Links maps a peer GPU's UUID to a link score (see LinkScore).
	Links map[string]int32
}

// Profile is a MIG GPU-instance profile.
type Profile struct {
	// ID is NVML's profile id (nvml.GPU_INSTANCE_PROFILE_*).
	ID         int
	Name       string
	Slices     int32
	MemoryMiB  int64
	Cores      int32
	MaxCount   int32
	Placements []int32
}

// ErrNVML wraps an NVML return code.
var ErrNVML = errors.New("nvml")

// Check turns an NVML return code into an error.
func Check(ret nvml.Return, what string) error {
	if ret == nvml.SUCCESS {
		return nil
	}
	return fmt.Errorf("%s: %w: %s", what, ErrNVML, nvml.ErrorString(ret))
}

// Discover lists the GPUs. lib must be initialised.
func Discover(lib nvml.Interface) ([]GPU, error) {
	n, ret := lib.DeviceGetCount()
	if err := Check(ret, "device count"); err != nil {
		return nil, err
	}
	gpus := make([]GPU, 0, n)
	handles := make([]nvml.Device, 0, n)
	for i := range n {
		d, ret := lib.DeviceGetHandleByIndex(i)
		if err := Check(ret, fmt.Sprintf("device %d", i)); err != nil {
			return nil, err
		}
		g, err := describe(d, i)
		if err != nil {
			return nil, err
		}
		gpus, handles = append(gpus, g), append(handles, d)
	}
	for i := range gpus {
		gpus[i].Links = links(handles, gpus, i)
	}
	return gpus, nil
}

func describe(d nvml.Device, index int) (GPU, error) {
	g := GPU{Index: index, NUMA: -1}
	var ret nvml.Return
	if g.UUID, ret = d.GetUUID(); ret != nvml.SUCCESS {
		return g, Check(ret, fmt.Sprintf("device %d uuid", index))
	}
	if g.Model, ret = d.GetName(); ret != nvml.SUCCESS {
		return g, Check(ret, "device "+g.UUID+" name")
	}
	mem, ret := d.GetMemoryInfo()
	if err := Check(ret, "device "+g.UUID+" memory"); err != nil {
		return g, err
	}
	g.MemoryMiB = int64(mem.Total >> 20)
	if minor, ret := d.GetMinorNumber(); ret == nvml.SUCCESS {
		g.Minor = minor
	}
	if numa, ret := d.GetNumaNodeId(); ret == nvml.SUCCESS {
		g.NUMA = numa
	}
	cur, _, ret := d.GetMigMode()
	g.MIGCapable = ret == nvml.SUCCESS
	g.MIGEnabled = g.MIGCapable && cur == nvml.DEVICE_MIG_ENABLE
	if g.MIGCapable {
		g.Profiles, g.Slices = profiles(d)
	}
	return g, nil
}
