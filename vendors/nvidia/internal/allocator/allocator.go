// Package allocator owns the NVIDIA answer to the kubelet: the device list
// (split count virtual devices per GPU) and, for the container an Allocate
// call is for, the environment, mounts and devices of its mode: hami-core
// (limiter), mig (a MIG device made for it) or exclusive (the whole GPU).
package allocator

import (
	"context"
	"fmt"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/mig"
	"github.com/hami-project/hami/vendors/nvidia/internal/node"
)

// Paths inside the container.
const (
	ContainerLimiterDir = "/usr/local/vgpu"
	ContainerLimiter    = ContainerLimiterDir + "/libvgpu.so"
	ContainerPreload    = "/etc/ld.so.preload"
	ContainerRegionDir  = "/var/lib/hami/region"
	ContainerRegion     = ContainerRegionDir + "/region.cache"
)

// Options configure an Allocator.
type Options struct {
	Config config.Node
	// LimiterDir is the host directory install-limiter writes into; its
	// "current" link names the version new containers get.
	LimiterDir string
	// RegionRoot is the host directory holding one region directory per
	// container (<pod uid>_<container>).
	RegionRoot string
	// CorePolicy is GPU_CORE_UTILIZATION_POLICY when the container does not
	// set it; empty leaves the limiter's default.
	CorePolicy string
	// DevRoot is where device files are looked for ("/" when empty).
	DevRoot string
}

// Allocator answers the kubelet for the NVIDIA count resource.
type Allocator struct {
	opts    Options
	gpus    []discovery.GPU
	healthy func(uuid string) bool
	assign  *plugin.Assigner
	mig     *mig.Manager
}

var (
	_ plugin.Backend   = (*Allocator)(nil)
	_ plugin.Preferrer = (*Allocator)(nil)
)

// New returns an Allocator for the discovered GPUs; mig may be nil when
// MIG is not used on the node.
func New(opts Options, gpus []discovery.GPU, healthy func(string) bool, assign *plugin.Assigner, m *mig.Manager) *Allocator {
	if opts.DevRoot == "" {
		opts.DevRoot = "/"
	}
	return &Allocator{opts: opts, gpus: node.Visible(gpus, opts.Config.Filter), healthy: healthy, assign: assign, mig: m}
}

// Devices implements plugin.Backend.
func (a *Allocator) Devices() []*pluginapi.Device {
	phys := make([]plugin.Physical, 0, len(a.gpus))
	for _, g := range a.gpus {
		phys = append(phys, plugin.Physical{ID: g.UUID, Healthy: a.healthy(g.UUID), NUMA: g.NUMA, Replicas: int(a.opts.Config.DeviceSplitCount)})
	}
	return plugin.VirtualDevices(phys)
}

// Prefer implements plugin.Preferrer.
func (a *Allocator) Prefer(ctx context.Context, req *pluginapi.ContainerPreferredAllocationRequest) []string {
	return a.assign.Prefer(ctx, req)
}

// Allocate implements plugin.Backend.
func (a *Allocator) Allocate(ctx context.Context, req *pluginapi.ContainerAllocateRequest) (*pluginapi.ContainerAllocateResponse, error) {
	return a.assign.Allocate(ctx, req.GetDevicesIds(), a.Answer)
}

// Answer builds the response for a matched container.
func (a *Allocator) Answer(ctx context.Context, p *plugin.Pending) (*pluginapi.ContainerAllocateResponse, error) {
	gpus, err := a.chosen(p.Devices)
	if err != nil {
		return nil, err
	}
	switch mode := p.Devices[0].Mode; mode {
	case device.ModeHAMiCore:
		return a.hamiCore(p, gpus)
	case device.ModeExclusive:
		return a.exclusive(gpus), nil
	case device.ModeMIG:
		return a.migDevices(ctx, p, gpus)
	default:
		return nil, fmt.Errorf("mode %q is not supported by the NVIDIA plugin", mode)
	}
}

// chosen checks the scheduler's devices: known, healthy, one mode.
func (a *Allocator) chosen(devs []allocation.Device) ([]discovery.GPU, error) {
	out := make([]discovery.GPU, 0, len(devs))
	for _, d := range devs {
		g, ok := a.gpu(d.ID)
		if !ok {
			return nil, fmt.Errorf("GPU %s chosen by the scheduler is not on this node (or is filtered out)", d.ID)
		}
		if !a.healthy(d.ID) {
			return nil, fmt.Errorf("GPU %s is unhealthy", d.ID)
		}
		if d.Mode != devs[0].Mode {
			return nil, fmt.Errorf("container mixes modes %s and %s", devs[0].Mode, d.Mode)
		}
		out = append(out, g)
	}
	return out, nil
}

func (a *Allocator) gpu(uuid string) (discovery.GPU, bool) {
	for _, g := range a.gpus {
		if g.UUID == uuid {
			return g, true
		}
	}
	return discovery.GPU{}, false
}
