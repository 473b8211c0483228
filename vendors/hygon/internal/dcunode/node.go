// Package dcunode owns the Hygon plugin's view of one node: the DCUs as
// the inventory describes them (modes, vDCU limit, XGMI/PCIe links),
// their health by polling, the kubelet's answer for a container (a vDCU
// on one card, or whole cards) and the node's metrics. It is the Hygon
// pluginrun.Node.
package dcunode

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
	"github.com/hami-project/hami/vendors/hygon/sdk"
)

// ModeVDCU is a share of one card: a vDCU with a CU mask and a memory cap.
const ModeVDCU = "vdcu"

// Options configure a Node.
type Options struct {
	// MaxVDCU is how many vDCUs one card may hold (the driver's own limit
	// lowers it where libhydmi.so reports one).
	MaxVDCU int
	// VDevDir is the host directory of the per-container vDCU configs.
	VDevDir string
	// HyhalDir is the host's DTK directory, mounted read-only into every
	// container when it exists; empty mounts nothing.
	HyhalDir string
	// DevRoot is where device files are found ("/" when empty).
	DevRoot string
	// MissingDevicesOK leaves device files missing on the host out of the
	// answer instead of refusing it: only for a fake without device files.
	MissingDevicesOK bool
	// HealthEvery is how often health is polled.
	HealthEvery time.Duration
}

// Node is the DCUs of one node.
type Node struct {
	lib   sdk.Library
	cards []sdk.Device
	links []map[string]int32
	opts  Options
	vdcus *partition.Manager
	drv   *vdcu.Driver
	close func() error
}

var (
	_ pluginrun.Node       = (*Node)(nil)
	_ pluginrun.Collecting = (*Node)(nil)
)

// Discover reads the cards of an initialised library and returns the
// Node; env gives the partition manager its checkpoint. closeLib releases
// the library when the Node closes.
func Discover(lib sdk.Library, opts Options, env *pluginrun.Env, closeLib func() error) (*Node, error) {
	if opts.DevRoot == "" {
		opts.DevRoot = "/"
	}
	n := &Node{lib: lib, opts: opts, close: closeLib}
	if err := n.discover(); err != nil {
		return nil, err
	}
	n.opts.MaxVDCU = n.vdcuLimit()
	n.drv = vdcu.NewDriver(opts.VDevDir, n.opts.MaxVDCU)
	var err error
	if n.vdcus, err = env.Partitions(n.drv); err != nil {
		return nil, err
	}
	return n, nil
}

func (n *Node) discover() error {
	count, err := n.lib.DeviceCount()
	if err != nil {
		return fmt.Errorf("count DCUs: %w", err)
	}
	for i := range count {
		d, err := n.lib.Device(i)
		if err != nil {
			return fmt.Errorf("DCU %d: %w", i, err)
		}
		n.cards = append(n.cards, d)
	}
	for i := range n.cards {
		links, err := n.lib.Links(i)
		if err != nil {
			return fmt.Errorf("links of DCU %d: %w", i, err)
		}
		byID := make(map[string]int32, len(links))
		for _, l := range links {
			if l.Peer >= 0 && l.Peer < len(n.cards) {
				byID[n.cards[l.Peer].UUID] = l.Score
			}
		}
		n.links = append(n.links, byID)
	}
	return nil
}

// vdcuLimit is --max-vdcu, lowered to the driver's limit where the driver
// has one (without libhydmi.so it has none to tell).
func (n *Node) vdcuLimit() int {
	limit, err := n.lib.MaxVDevices()
	if err != nil || limit <= 0 {
		return n.opts.MaxVDCU
	}
	return min(n.opts.MaxVDCU, limit)
}

// Devices implements pluginrun.Node.
func (n *Node) Devices() []device.Device {
	out := make([]device.Device, 0, len(n.cards))
	for i, c := range n.cards {
		out = append(out, device.Device{
			ID: c.UUID, Index: c.Index, Type: c.Model, MemoryMiB: int64(c.MemoryMiB), Cores: 100,
			SplitCount: int32(n.opts.MaxVDCU), NUMA: c.NUMANode, Modes: []string{ModeVDCU, device.ModeExclusive},
			Links: n.links[i],
		})
	}
	return out
}

// Watch implements pluginrun.Node: ROCm SMI has no health events, so the
// cards are polled.
func (n *Node) Watch(ctx context.Context, r health.Reporter) error {
	read := health.Probe(n.cards, func(c sdk.Device) string { return c.UUID },
		func(c sdk.Device) (bool, error) { return n.lib.Healthy(c.Index) },
		"the card does not answer ROCm SMI (busy percent unreadable)")
	return health.Poll(n.opts.HealthEvery, read)(ctx, r)
}

// Collector implements pluginrun.Collecting.
func (n *Node) Collector() prometheus.Collector { return &collector{n: n} }

// Close implements pluginrun.Node.
func (n *Node) Close() error {
	if n.close == nil {
		return nil
	}
	return n.close()
}

func (n *Node) card(uuid string) (sdk.Device, bool) {
	for _, c := range n.cards {
		if c.UUID == uuid {
			return c, true
		}
	}
	return sdk.Device{}, false
}
