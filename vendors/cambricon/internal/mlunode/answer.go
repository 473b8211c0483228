package mlunode

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/devalloc"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

// Environment of the container contract (README.md). Cambricon's runtime
// reads CAMBRICON_VISIBLE_DEVICES; the CAMBRICON_SMLU_* variables are
// HAMi's, telling the workload which share it got (the driver enforces
// it, nothing needs to read them).
const (
	EnvVisibleDevices = "CAMBRICON_VISIBLE_DEVICES"
	EnvSMLUInstance   = "CAMBRICON_SMLU_INSTANCE"
	EnvSMLUNode       = "CAMBRICON_SMLU_DEVICE_NODE"
	EnvSMLUCores      = "CAMBRICON_SMLU_CORES"
	EnvSMLUMemory     = "CAMBRICON_SMLU_MEMORY_MIB"
)

// Answer implements pluginrun.Node: an sMLU instance for a share of one
// card, the cards' own device files for whole cards.
func (n *Node) Answer(ctx context.Context, p *plugin.Pending, chosen []device.Device) (*pluginapi.ContainerAllocateResponse, error) {
	cards, err := devalloc.Resolve(chosen, "MLU", n.card)
	if err != nil {
		return nil, err
	}
	want := p.Devices[0]
	switch want.Mode {
	case device.ModeExclusive:
		return n.whole(cards)
	case ModeSMLU:
		if len(cards) > 1 || want.Cores >= 100 {
			// More than one card, or all of a card's cores, is whole
			// cards: an instance would only cost the driver's overhead.
			return n.whole(cards)
		}
		return n.smlu(ctx, p, cards[0], want)
	default:
		return nil, fmt.Errorf("mode %q is not supported by the Cambricon plugin (smlu or exclusive)", want.Mode)
	}
}

// whole gives the cards' device files and no partition.
func (n *Node) whole(cards []Card) (*pluginapi.ContainerAllocateResponse, error) {
	idx := make([]string, len(cards))
	resp := &pluginapi.ContainerAllocateResponse{Envs: map[string]string{}}
	for i, c := range cards {
		idx[i] = strconv.Itoa(c.Index)
		specs, err := n.deviceSpecs(sdk.DeviceFiles(c.Minor))
		if err != nil {
			return nil, err
		}
		resp.Devices = append(resp.Devices, specs...)
	}
	resp.Envs[EnvVisibleDevices] = strings.Join(idx, ",")
	return resp, nil
}

// smlu makes (or finds again, on the kubelet's retry) the container's sMLU
// instance and gives its card's device files and the instance's node.
func (n *Node) smlu(ctx context.Context, p *plugin.Pending, c Card, want allocation.Device) (*pluginapi.ContainerAllocateResponse, error) {
	if n.parts == nil {
		return nil, fmt.Errorf("sMLU partitions are not available on this node")
	}
	spec := Spec(c, want)
	in, err := n.parts.Ensure(ctx, p.Pod.UID, p.Container, c.UUID, NewDriver(n.lib).Create(c.Index, spec))
	if err != nil {
		return nil, err
	}
	h, err := HandlesOf(in)
	if err != nil {
		return nil, err
	}
	resp, err := n.whole([]Card{c})
	if err != nil {
		return nil, err
	}
	node, err := n.deviceSpecs([]string{h.Node})
	if err != nil {
		return nil, err
	}
	resp.Devices = append(resp.Devices, node...)
	resp.Envs[EnvSMLUInstance] = in.ID
	resp.Envs[EnvSMLUNode] = h.Node
	resp.Envs[EnvSMLUCores] = strconv.Itoa(h.Cores)
	resp.Envs[EnvSMLUMemory] = strconv.Itoa(h.MemMiB)
	return resp, nil
}

// Spec is the sMLU shape for a share of card c: memory rounded up to the
// driver's 256 MiB step, and a share naming only one of memory and cores
// gets the other in proportion, so an instance never has none of either.
func Spec(c Card, want allocation.Device) sdk.PartitionSpec {
	cores, mem := int(want.Cores), int(want.MemoryMiB)
	total := max(c.MemoryMiB, sdk.MemoryStepMiB)
	if mem <= 0 {
		mem = total * max(cores, 1) / 100
	}
	if cores <= 0 {
		cores = (mem*100 + total - 1) / total
	}
	mem = (mem + sdk.MemoryStepMiB - 1) / sdk.MemoryStepMiB * sdk.MemoryStepMiB
	return sdk.PartitionSpec{CorePercent: min(max(cores, 1), 100), MemoryMiB: max(mem, sdk.MemoryStepMiB)}
}

// deviceSpecs are the device files at their real container paths, found
// on the host under DevRoot. A missing file fails the container's start
// here rather than leaving it without a device it was promised.
func (n *Node) deviceSpecs(paths []string) ([]*pluginapi.DeviceSpec, error) {
	return devalloc.DeviceFiles(n.opts.DevRoot, paths, false)
}
