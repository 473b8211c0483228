package simnode

import (
	"context"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// pluginConn is the node's connection to one registered device plugin.
type pluginConn struct {
	node     *node
	resource string
	conn     *grpc.ClientConn
	client   pluginapi.DevicePluginClient
	options  *pluginapi.DevicePluginOptions

	closeOnce sync.Once
	cancel    context.CancelFunc
	mu        sync.Mutex // guards cancel
}

func dialPlugin(socket string) (*grpc.ClientConn, error) {
	conn, err := grpc.NewClient("unix://"+socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", socket, err)
	}
	return conn, nil
}

func newPluginConn(n *node, resource string, conn *grpc.ClientConn, opts *pluginapi.DevicePluginOptions) *pluginConn {
	if opts == nil {
		opts = &pluginapi.DevicePluginOptions{}
	}
	return &pluginConn{node: n, resource: resource, conn: conn, client: pluginapi.NewDevicePluginClient(conn), options: opts}
}

// listAndWatch keeps the node's device list for this resource in step with
// the plugin until the stream ends; then, as the kubelet does, the devices
// count as unhealthy.
func (p *pluginConn) listAndWatch(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	p.mu.Lock()
	p.cancel = cancel
	p.mu.Unlock()
	defer cancel()
	log := p.node.fleet.log.With().Str("node", p.node.name).Str("resource", p.resource).Logger()
	stream, err := p.client.ListAndWatch(ctx, &pluginapi.Empty{})
	if err != nil {
		log.Warn().Err(err).Msg("ListAndWatch")
		return
	}
	for {
		resp, err := stream.Recv()
		if err != nil {
			if ctx.Err() == nil {
				log.Info().Err(err).Msg("ListAndWatch stream ended; devices now unhealthy")
				p.node.pluginGone(ctx, p)
			}
			return
		}
		p.node.updateDevices(ctx, p, resp.Devices)
	}
}

// allocate asks the plugin for one container's devices, with the kubelet's
// optional GetPreferredAllocation and PreStartContainer steps.
func (p *pluginConn) allocate(ctx context.Context, available []string, size int) ([]string, *pluginapi.ContainerAllocateResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ids := available[:size]
	if p.options.GetPreferredAllocationAvailable {
		pref, err := p.client.GetPreferredAllocation(ctx, &pluginapi.PreferredAllocationRequest{
			ContainerRequests: []*pluginapi.ContainerPreferredAllocationRequest{{AvailableDeviceIDs: available, AllocationSize: int32(size)}},
		})
		if err != nil {
			return nil, nil, err
		}
		if got := pref.GetContainerResponses(); len(got) == 1 && len(got[0].DeviceIDs) == size && subset(got[0].DeviceIDs, available) {
			ids = got[0].DeviceIDs
		}
	}
	resp, err := p.client.Allocate(ctx, &pluginapi.AllocateRequest{
		ContainerRequests: []*pluginapi.ContainerAllocateRequest{{DevicesIds: ids}},
	})
	if err != nil {
		return nil, nil, err
	}
	if len(resp.ContainerResponses) != 1 {
		return nil, nil, fmt.Errorf("plugin returned %d container responses for 1 request", len(resp.ContainerResponses))
	}
	if p.options.PreStartRequired {
		if _, err := p.client.PreStartContainer(ctx, &pluginapi.PreStartContainerRequest{DevicesIds: ids}); err != nil {
			return nil, nil, fmt.Errorf("PreStartContainer: %w", err)
		}
	}
	return ids, resp.ContainerResponses[0], nil
}

func (p *pluginConn) close() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		if p.cancel != nil {
			p.cancel()
		}
		p.mu.Unlock()
		_ = p.conn.Close()
	})
}

func subset(ids, of []string) bool {
	set := make(map[string]bool, len(of))
	for _, id := range of {
		set[id] = true
	}
	for _, id := range ids {
		if !set[id] {
			return false
		}
	}
	return true
}
