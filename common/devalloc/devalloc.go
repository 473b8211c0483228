// Package devalloc owns a vendor plugin's answer to the kubelet that every
// vendor gives alike: the device list (each physical device advertised as
// split-count virtual devices, with its health), the preferred allocation,
// and, for an Allocate call, finding the container it is for and checking
// the scheduler's choice against the node (every device known, healthy,
// one mode). A vendor supplies only the answer for a checked choice.
package devalloc

import (
	"context"
	"fmt"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/plugin"
)

// Answer is a vendor's response for one container. chosen are the node's
// devices the scheduler chose for it, in the container's device order,
// each known, healthy and of p.Devices[0].Mode.
type Answer func(ctx context.Context, p *plugin.Pending, chosen []device.Device) (*pluginapi.ContainerAllocateResponse, error)

// Inventory is the node's current inventory: the devices the node's filter
// lets through, with current health; what the scheduler sees.
type Inventory func() *device.NodeInventory

// Allocator is a plugin.Backend for one vendor.
type Allocator struct {
	inventory Inventory
	assign    *plugin.Assigner
	answer    Answer
}

var (
	_ plugin.Backend   = (*Allocator)(nil)
	_ plugin.Preferrer = (*Allocator)(nil)
)

// New returns an Allocator.
func New(inv Inventory, assign *plugin.Assigner, answer Answer) *Allocator {
	return &Allocator{inventory: inv, assign: assign, answer: answer}
}

// Devices implements plugin.Backend.
func (a *Allocator) Devices() []*pluginapi.Device {
	inv := a.inventory()
	phys := make([]plugin.Physical, 0, len(inv.Devices))
	for _, d := range inv.Devices {
		phys = append(phys, plugin.Physical{ID: d.ID, Healthy: d.Healthy, NUMA: d.NUMA, Replicas: int(d.SplitCount)})
	}
	return plugin.VirtualDevices(phys)
}

// Prefer implements plugin.Preferrer.
func (a *Allocator) Prefer(ctx context.Context, req *pluginapi.ContainerPreferredAllocationRequest) []string {
	return a.assign.Prefer(ctx, req)
}

// Allocate implements plugin.Backend.
func (a *Allocator) Allocate(ctx context.Context, req *pluginapi.ContainerAllocateRequest) (*pluginapi.ContainerAllocateResponse, error) {
	return a.assign.Allocate(ctx, req.GetDevicesIds(), func(ctx context.Context, p *plugin.Pending) (*pluginapi.ContainerAllocateResponse, error) {
		chosen, err := Check(a.inventory(), p.Devices)
		if err != nil {
			return nil, err // the Assigner names the container
		}
		return a.answer(ctx, p, chosen)
	})
}

// Check finds the scheduler's devices in the node's inventory: each must be
// there (not filtered out), healthy, and of the container's one mode.
func Check(inv *device.NodeInventory, devs []allocation.Device) ([]device.Device, error) {
	if len(devs) == 0 {
		return nil, fmt.Errorf("the scheduler chose no %s device", inv.Vendor)
	}
	out := make([]device.Device, 0, len(devs))
	for _, d := range devs {
		got, ok := find(inv, d.ID)
		if !ok {
			return nil, fmt.Errorf("device %s chosen by the scheduler is not on node %s (or is filtered out)", d.ID, inv.Node)
		}
		if !got.Healthy {
			return nil, fmt.Errorf("device %s is unhealthy", d.ID)
		}
		if d.Mode != devs[0].Mode {
			return nil, fmt.Errorf("container mixes modes %s and %s", devs[0].Mode, d.Mode)
		}
		out = append(out, got)
	}
	return out, nil
}

func find(inv *device.NodeInventory, id string) (device.Device, bool) {
	for _, d := range inv.Devices {
		if d.ID == id {
			return d, true
		}
	}
	return device.Device{}, false
}
