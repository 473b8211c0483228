package simnode

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// resourceState is what the node knows of one extended resource.
type resourceState struct {
	plugin    *pluginConn
	devices   map[string]bool      // id -> healthy, as last advertised
	allocated map[string]types.UID // id -> pod holding it
}

func (rs *resourceState) healthy() []string {
	ids := make([]string, 0, len(rs.devices))
	for id, ok := range rs.devices {
		if ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// free lists healthy devices no pod holds, sorted for stable choices.
func (rs *resourceState) free() []string {
	var ids []string
	for id, ok := range rs.devices {
		if _, taken := rs.allocated[id]; ok && !taken {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// setPlugin installs a (re-)registered plugin; a previous one for the same
// resource is closed, its allocations kept.
func (n *node) setPlugin(resource string, p *pluginConn) {
	n.mu.Lock()
	defer n.mu.Unlock()
	rs, ok := n.resources[resource]
	if !ok {
		rs = &resourceState{devices: map[string]bool{}, allocated: map[string]types.UID{}}
		n.resources[resource] = rs
	} else if rs.plugin != nil {
		rs.plugin.close()
	}
	rs.plugin = p
}

// updateDevices records a ListAndWatch response and posts capacity (all
// devices) and allocatable (healthy devices) on the Node, as the kubelet does.
func (n *node) updateDevices(ctx context.Context, p *pluginConn, devices []*pluginapi.Device) {
	n.mu.Lock()
	rs, ok := n.resources[p.resource]
	if !ok || rs.plugin != p {
		n.mu.Unlock()
		return // replaced by a newer registration
	}
	rs.devices = make(map[string]bool, len(devices))
	for _, d := range devices {
		rs.devices[d.ID] = d.Health == pluginapi.Healthy
	}
	capacity, allocatable := len(rs.devices), len(rs.healthy())
	n.mu.Unlock()
	n.postCapacity(ctx, p.resource, capacity, allocatable)
}

// pluginGone marks the resource's devices unhealthy after its plugin left.
func (n *node) pluginGone(ctx context.Context, p *pluginConn) {
	n.mu.Lock()
	rs, ok := n.resources[p.resource]
	if !ok || rs.plugin != p {
		n.mu.Unlock()
		return
	}
	for id := range rs.devices {
		rs.devices[id] = false
	}
	capacity := len(rs.devices)
	n.mu.Unlock()
	n.postCapacity(ctx, p.resource, capacity, 0)
}

func (n *node) postCapacity(ctx context.Context, resource string, capacity, allocatable int) {
	patch, err := json.Marshal(map[string]any{"status": map[string]any{
		"capacity":    map[string]string{resource: fmt.Sprint(capacity)},
		"allocatable": map[string]string{resource: fmt.Sprint(allocatable)},
	}})
	if err == nil {
		_, err = n.fleet.client.CoreV1().Nodes().Patch(ctx, n.name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	}
	if err != nil && ctx.Err() == nil {
		n.fleet.log.Warn().Err(err).Str("node", n.name).Str("resource", resource).Msg("post capacity")
	}
}

// plugin returns the resource's plugin and a snapshot of its free devices,
// or nil when no plugin serves the resource (the kubelet then ignores it:
// such resources belong to a scheduler extender).
func (n *node) plugin(resource string) (*pluginConn, []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	rs, ok := n.resources[resource]
	if !ok || rs.plugin == nil {
		return nil, nil
	}
	return rs.plugin, rs.free()
}

// reserve marks ids as held by pod; it fails if one was taken meanwhile.
func (n *node) reserve(resource string, pod types.UID, ids []string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	rs := n.resources[resource]
	for _, id := range ids {
		if holder, taken := rs.allocated[id]; taken && holder != pod {
			return fmt.Errorf("device %s of %s already allocated", id, resource)
		}
	}
	for _, id := range ids {
		rs.allocated[id] = pod
	}
	return nil
}

// release frees every device the pod holds on this node.
func (n *node) release(pod types.UID) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, rs := range n.resources {
		for id, holder := range rs.allocated {
			if holder == pod {
				delete(rs.allocated, id)
			}
		}
	}
}
