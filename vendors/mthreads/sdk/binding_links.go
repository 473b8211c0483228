package sdk

import (
	"errors"
	"fmt"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// maxProbedLinks bounds the MTLink ports probed when the driver is too old
// to export mtmlDeviceGetMtLinkSpec.
const maxProbedLinks = 16

// Links implements Library: the PCIe level to every peer, raised to MTLink
// where at least one MTLink port between the two is up.
func (b *Binding) Links(index int) ([]Link, error) {
	dev, err := b.device(index)
	if err != nil {
		return nil, err
	}
	n, err := b.DeviceCount()
	if err != nil {
		return nil, err
	}
	mtlinks, err := b.mtLinkPeers(index, dev)
	if err != nil {
		return nil, err
	}
	var links []Link
	for _, peer := range device.Peers(index, n) {
		l, err := b.pcieLink(index, dev, peer)
		if err != nil {
			return nil, err
		}
		if c := mtlinks[peer]; c > 0 {
			l.Kind, l.Score, l.MTLinks = LinkMTLink, device.ScoreFabric, c
		}
		links = append(links, l)
	}
	return links, nil
}

func (b *Binding) pcieLink(index int, dev uintptr, peer int) (Link, error) {
	other, err := b.device(peer)
	if err != nil {
		return Link{}, err
	}
	var level int32
	if err := callError("mtmlDeviceGetTopologyLevel", index, b.fns.GetTopologyLevel(dev, other, &level)); err != nil {
		return Link{}, fmt.Errorf("to %d: %w", peer, err)
	}
	kind, score := pcieKind(level)
	return Link{Peer: peer, Kind: kind, Score: score}, nil
}

func pcieKind(level int32) (LinkKind, int32) {
	switch level {
	case topologyInternal, topologySingle:
		return LinkPCIeSwitch, device.ScorePCIeSwitch
	case topologyMultiple:
		return LinkPCIeMulti, device.ScorePCIeMulti
	case topologyHostBridge:
		return LinkHostBridge, device.ScoreHostBridge
	case topologyNode:
		return LinkNUMANode, device.ScoreNUMANode
	default:
		return LinkSystem, device.ScoreSystem
	}
}

// mtLinkPeers counts the MTLink ports of dev that are up, per peer index.
func (b *Binding) mtLinkPeers(index int, dev uintptr) (map[int]int, error) {
	ports, probing, err := b.mtLinkPorts(index, dev)
	if err != nil {
		return nil, err
	}
	peers := map[int]int{}
	for link := range ports {
		var state int32
		err := callError("mtmlDeviceGetMtLinkState", index, b.fns.GetMtLinkState(dev, uint32(link), &state))
		if probing && errors.Is(err, sdkerr.ErrInvalidArgument) {
			break // past the last port
		}
		if errors.Is(err, sdkerr.ErrNotSupported) {
			return nil, nil // a board without MTLink
		}
		if err != nil {
			return nil, fmt.Errorf("link %d: %w", link, err)
		}
		if state != mtLinkUp && state != mtLinkDowngrade {
			continue
		}
		peer, err := b.remoteIndex(index, dev, link)
		if err != nil {
			return nil, err
		}
		peers[peer]++
	}
	return peers, nil
}

// mtLinkPorts is how many ports to ask about; probing says the number is a
// bound, not the device's answer.
func (b *Binding) mtLinkPorts(index int, dev uintptr) (ports int, probing bool, err error) {
	if b.fns.GetMtLinkSpec == nil {
		return maxProbedLinks, true, nil
	}
	var spec mtLinkSpec
	err = callError("mtmlDeviceGetMtLinkSpec", index, b.fns.GetMtLinkSpec(dev, &spec))
	if errors.Is(err, sdkerr.ErrNotSupported) {
		return 0, false, nil
	}
	return int(spec.LinkNum), false, err
}

func (b *Binding) remoteIndex(index int, dev uintptr, link int) (int, error) {
	var remote uintptr
	if err := callError("mtmlDeviceGetMtLinkRemoteDevice", index, b.fns.GetMtLinkRemoteDevice(dev, uint32(link), &remote)); err != nil {
		return 0, fmt.Errorf("link %d: %w", link, err)
	}
	var peer uint32
	if err := callError("mtmlDeviceGetIndex", index, b.fns.GetIndex(remote, &peer)); err != nil {
		return 0, fmt.Errorf("link %d remote: %w", link, err)
	}
	return int(peer), nil
}

// VirtTypes implements Library.
func (b *Binding) VirtTypes(index int) ([]VirtType, error) {
	dev, err := b.device(index)
	if err != nil {
		return nil, err
	}
	var n uint32
	if err := callError("mtmlDeviceCountSupportedVirtTypes", index, b.fns.CountSupportedVirtTypes(dev, &n)); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	raw := make([]virtType, n)
	if err := callError("mtmlDeviceGetSupportedVirtTypes", index, b.fns.GetSupportedVirtTypes(dev, &raw[0], n)); err != nil {
		return nil, err
	}
	types := make([]VirtType, len(raw))
	for i, r := range raw {
		types[i] = VirtType{
			ID:           dynlib.GoString(r.ID[:]),
			Name:         dynlib.GoString(r.Name[:]),
			MemoryMiB:    uint64(r.FrameBuffer),
			MaxInstances: int(r.MaxInstances),
		}
	}
	return types, nil
}

// ActiveVirtDevices implements Library.
func (b *Binding) ActiveVirtDevices(index int) (int, error) {
	dev, err := b.device(index)
	if err != nil {
		return 0, err
	}
	var n uint32
	if err := callError("mtmlDeviceCountActiveVirtDevices", index, b.fns.CountActiveVirtDevices(dev, &n)); err != nil {
		return 0, err
	}
	return int(n), nil
}
