package plugin

import (
	"fmt"
	"strconv"
	"strings"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// virtualSep separates a physical device id from the replica number in a
// virtual device id. Physical ids (UUIDs) never contain it.
const virtualSep = "::"

// VirtualID is the id of the n-th virtual device on physical device id.
func VirtualID(id string, n int) string { return id + virtualSep + strconv.Itoa(n) }

// PhysicalID returns the physical device id of a virtual device id; an id
// without a replica number is returned whole.
func PhysicalID(virtual string) string {
	id, _, _ := strings.Cut(virtual, virtualSep)
	return id
}

// Physical describes one physical device for the kubelet.
type Physical struct {
	ID      string
	Healthy bool
	// NUMA is the device's NUMA node, or a negative number when unknown.
	NUMA int
	// Replicas is how many virtual devices it is advertised as (the split
	// count); at least 1.
	Replicas int
}

// VirtualDevices expands physical devices into the kubelet's device list.
func VirtualDevices(devs []Physical) []*pluginapi.Device {
	var out []*pluginapi.Device
	for _, d := range devs {
		health := pluginapi.Healthy
		if !d.Healthy {
			health = pluginapi.Unhealthy
		}
		var topo *pluginapi.TopologyInfo
		if d.NUMA >= 0 {
			topo = &pluginapi.TopologyInfo{Nodes: []*pluginapi.NUMANode{{ID: int64(d.NUMA)}}}
		}
		for n := range max(d.Replicas, 1) {
			out = append(out, &pluginapi.Device{ID: VirtualID(d.ID, n), Health: health, Topology: topo})
		}
	}
	return out
}

// physicalCounts counts the physical devices behind virtual ids.
func physicalCounts(ids []string) map[string]int {
	out := make(map[string]int, len(ids))
	for _, id := range ids {
		out[PhysicalID(id)]++
	}
	return out
}

// describeIDs is a short form of a device id list for error messages.
func describeIDs(ids []string) string {
	if len(ids) <= 4 {
		return strings.Join(ids, ",")
	}
	return fmt.Sprintf("%s,... (%d)", strings.Join(ids[:4], ","), len(ids))
}
