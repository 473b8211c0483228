// Package gpunode owns the NVIDIA plugin's view of one node: the
// discovered GPUs as the inventory describes them (modes, MIG profiles,
// links), their health from XID events, the kubelet's answer for a
// container in each mode (hami-core with the limiter, a MIG device,
// whole GPUs) and the node's metrics. It is the NVIDIA pluginrun.Node.
package gpunode

import (
	"context"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/common/limiter"
	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/mig"
	"github.com/hami-project/hami/vendors/nvidia/internal/monitor"
	"github.com/hami-project/hami/vendors/nvidia/internal/xid"
)

// Limiter is hami-core's library as containers see it.
var Limiter = limiter.Library{Name: "libvgpu.so", ContainerDir: "/usr/local/vgpu"}

// Options configure a Node.
type Options struct {
	Config config.Node
	// LimiterDir is the host directory install-limiter writes into; its
	// "current" link names the version new containers get.
	LimiterDir string
	// RegionRoot is the host directory holding one region directory per
	// container (<pod uid>_<container>).
	RegionRoot string
	// LimitsRoot is the host directory holding one directory per container
	// (<pod uid>_<container>) with its limits file.
	LimitsRoot string
	// CorePolicy is the operator's compute policy written into every limits
	// file (default when empty); the node's disableCoreLimit overrides it.
	CorePolicy string
	// AllowTenantDisable lets a pod switch its compute limit off with
	// GPU_CORE_UTILIZATION_POLICY=disable.
	AllowTenantDisable bool
	// DevRoot is where device files are looked for ("/" when empty).
	DevRoot     string
	IgnoredXIDs []uint64
}

// Node is the NVIDIA GPUs of one node.
type Node struct {
	lib  nvml.Interface
	gpus []discovery.GPU
	opts Options
	// migs makes MIG devices; nil when the node's MIG strategy is none.
	migs      *partition.Manager
	migDriver *mig.Driver
}

var (
	_ pluginrun.Node       = (*Node)(nil)
	_ pluginrun.Collecting = (*Node)(nil)
)

// New returns the Node of the GPUs discovered through lib. migs may be nil
// when MIG is not used on the node.
func New(lib nvml.Interface, gpus []discovery.GPU, opts Options, migs *partition.Manager) *Node {
	if opts.DevRoot == "" {
		opts.DevRoot = "/"
	}
	return &Node{lib: lib, gpus: gpus, opts: opts, migs: migs, migDriver: mig.NewDriver(lib)}
}

// Devices implements pluginrun.Node.
func (n *Node) Devices() []device.Device {
	out := make([]device.Device, 0, len(n.gpus))
	for _, g := range n.gpus {
		out = append(out, deviceOf(n.opts.Config, g))
	}
	return out
}

// Watch implements pluginrun.Node.
func (n *Node) Watch(ctx context.Context, r health.Reporter) error {
	return xid.Watch(n.lib, n.gpus, n.opts.IgnoredXIDs)(ctx, r)
}

// Collector implements pluginrun.Collecting.
func (n *Node) Collector() prometheus.Collector {
	return monitor.NewCollector(n.lib, monitor.Options{RegionRoot: n.opts.RegionRoot, LimitsRoot: n.opts.LimitsRoot})
}

// Close implements pluginrun.Node.
func (n *Node) Close() error {
	if ret := n.lib.Shutdown(); ret != nvml.SUCCESS {
		return discovery.Check(ret, "shut NVML down")
	}
	return nil
}

func (n *Node) gpu(uuid string) (discovery.GPU, bool) {
	for _, g := range n.gpus {
		if g.UUID == uuid {
			return g, true
		}
	}
	return discovery.GPU{}, false
}
