package gpuplugin

import (
	"context"
	"fmt"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// GetDevicePluginOptions: no optional calls, as the kubelet then picks the
// device ids itself and the allocation annotation decides the rest.
func (p *Plugin) GetDevicePluginOptions(context.Context, *pluginapi.Empty) (*pluginapi.DevicePluginOptions, error) {
	return &pluginapi.DevicePluginOptions{}, nil
}

// ListAndWatch advertises SplitCount virtual devices per GPU, so the node
// admits as many tenants as the scheduler may place; it sends the list again
// whenever a GPU's health changes.
func (p *Plugin) ListAndWatch(_ *pluginapi.Empty, stream pluginapi.DevicePlugin_ListAndWatchServer) error {
	for {
		devs, changed := p.devices()
		if err := stream.Send(&pluginapi.ListAndWatchResponse{Devices: devs}); err != nil {
			return err
		}
		select {
		case <-changed:
		case <-p.stopped:
			return nil
		case <-stream.Context().Done():
			return nil
		}
	}
}

func (p *Plugin) devices() ([]*pluginapi.Device, <-chan struct{}) {
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
			devs = append(devs, &pluginapi.Device{ID: fmt.Sprintf("%s::%d", UUID(p.opts.Node, i), k), Health: health})
		}
	}
	return devs, p.changed
}

// Allocate answers each container from the allocation of the pod it is for
// (see match.go).
func (p *Plugin) Allocate(ctx context.Context, req *pluginapi.AllocateRequest) (*pluginapi.AllocateResponse, error) {
	p.allocMu.Lock()
	defer p.allocMu.Unlock()
	resp := &pluginapi.AllocateResponse{}
	for _, c := range req.ContainerRequests {
		cr, err := p.allocateContainer(ctx, len(c.DevicesIds))
		if err != nil {
			p.opts.Log.Warn().Err(err).Int("devices", len(c.DevicesIds)).Msg("allocate refused")
			return nil, err
		}
		resp.ContainerResponses = append(resp.ContainerResponses, cr)
	}
	return resp, nil
}
