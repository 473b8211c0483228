package dcunode

import (
	"context"
	"fmt"
	"os"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/devalloc"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
	"github.com/hami-project/hami/vendors/hygon/sdk"
)

// ContainerHyhal is where the DTK's host directory is seen.
const ContainerHyhal = "/opt/hyhal"

// Answer implements pluginrun.Node: a vDCU on one card for a share, whole
// cards otherwise.
func (n *Node) Answer(ctx context.Context, p *plugin.Pending, chosen []device.Device) (*pluginapi.ContainerAllocateResponse, error) {
	cards, err := devalloc.Resolve(chosen, "DCU", n.card)
	if err != nil {
		return nil, err
	}
	want := p.Devices[0]
	switch {
	case want.Mode == device.ModeExclusive || want.Cores >= 100:
		return n.whole(cards)
	case want.Mode != ModeVDCU:
		return nil, fmt.Errorf("mode %q is not supported by the Hygon plugin (use %s or %s)", want.Mode, ModeVDCU, device.ModeExclusive)
	case len(cards) > 1:
		return nil, fmt.Errorf("a vDCU is a share of one card, but %d cards were chosen: ask for whole cards (hygon.com/dcucores: 100) when asking for more than one", len(cards))
	}
	return n.share(ctx, p, cards[0])
}

// whole gives the cards' device files and nothing that limits them.
func (n *Node) whole(cards []sdk.Device) (*pluginapi.ContainerAllocateResponse, error) {
	paths := []string{sdk.DevKFD, sdk.DevMKFD}
	for _, c := range cards {
		paths = append(paths, c.CardPath(), c.RenderPath())
	}
	specs, err := n.deviceSpecs(paths)
	if err != nil {
		return nil, err
	}
	resp := &pluginapi.ContainerAllocateResponse{Devices: specs}
	if n.opts.HyhalDir != "" {
		if _, err := os.Stat(n.opts.HyhalDir); err == nil {
			resp.Mounts = append(resp.Mounts, &pluginapi.Mount{ContainerPath: ContainerHyhal, HostPath: n.opts.HyhalDir, ReadOnly: true})
		}
	}
	return resp, nil
}

// deviceSpecs are the device files at their real container paths, found
// on the host under DevRoot; a missing one fails the container now rather
// than a start that cannot find its card (unless MissingDevicesOK).
func (n *Node) deviceSpecs(paths []string) ([]*pluginapi.DeviceSpec, error) {
	specs, err := devalloc.DeviceFiles(n.opts.DevRoot, paths, n.opts.MissingDevicesOK)
	if err != nil {
		return nil, fmt.Errorf("%w (is the DCU driver loaded?)", err)
	}
	return specs, nil
}

// share makes (or finds, on a kubelet retry) the container's vDCU on the
// card, writes its config and mounts it where the DTK runtime reads it. A
// request naming only cores still gets its vDCU: without one the
// container would have the whole card.
func (n *Node) share(ctx context.Context, p *plugin.Pending, card sdk.Device) (*pluginapi.ContainerAllocateResponse, error) {
	want := p.Devices[0]
	mem := card.MemoryMiB
	if want.MemoryMiB > 0 && uint64(want.MemoryMiB) < mem {
		mem = uint64(want.MemoryMiB)
	}
	r := vdcu.Request{
		Pod: p.Pod.UID, Namespace: p.Pod.Namespace, Name: p.Pod.Name, Container: p.Container,
		Card: card.UUID, Index: card.Index, BusID: card.BusID, ComputeUnits: card.ComputeUnits,
		Cores: want.Cores, MemoryMiB: mem,
	}
	in, err := n.vdcus.Ensure(ctx, r.Pod, r.Container, r.Card, n.drv.Create(r))
	if err != nil {
		return nil, err
	}
	data, err := vdcu.Write(in)
	if err != nil {
		return nil, err
	}
	resp, err := n.whole([]sdk.Device{card})
	if err != nil {
		return nil, err
	}
	resp.Mounts = append(resp.Mounts, &pluginapi.Mount{ContainerPath: vdcu.ContainerDir, HostPath: data.Dir, ReadOnly: true})
	return resp, nil
}
