package gpuplugin

import (
	"context"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/plugin"
)

// backend is what the double hands common/plugin's Server.
type backend struct{ p *Plugin }

var (
	_ plugin.Backend   = backend{}
	_ plugin.Preferrer = backend{}
)

// Devices advertises SplitCount virtual devices per GPU, so the node admits
// as many tenants as the scheduler may place.
func (b backend) Devices() []*pluginapi.Device { return b.p.devices() }

// Allocate answers one container: the Assigner finds the pod and container
// the call is for, records it, and sets the pod's bind phase.
func (b backend) Allocate(ctx context.Context, c *pluginapi.ContainerAllocateRequest) (*pluginapi.ContainerAllocateResponse, error) {
	resp, err := b.p.assigner.Allocate(ctx, c.DevicesIds, answer)
	if err != nil {
		b.p.opts.Log.Warn().Err(err).Int("devices", len(c.DevicesIds)).Msg("allocate refused")
	}
	return resp, err
}

// Prefer steers the kubelet's device ids to the GPUs the scheduler chose.
func (b backend) Prefer(ctx context.Context, req *pluginapi.ContainerPreferredAllocationRequest) []string {
	return b.p.assigner.Prefer(ctx, req)
}

func (p *Plugin) devices() []*pluginapi.Device {
	p.healthMu.Lock()
	defer p.healthMu.Unlock()
	s := p.opts.Spec
	devs := make([]*pluginapi.Device, 0, s.GPUs*int(s.SplitCount))
	for i := range s.GPUs {
		health := pluginapi.Healthy
		if p.unhealthy[i] {
			health = pluginapi.Unhealthy
		}
		for k := range s.SplitCount {
			devs = append(devs, &pluginapi.Device{ID: plugin.VirtualID(UUID(p.opts.Node, i), int(k)), Health: health})
		}
	}
	return devs
}
