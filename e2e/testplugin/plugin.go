// Package testplugin is a small device plugin for the harness's own tests.
// It speaks the real device-plugin gRPC API, so it works the same against
// the real kubelet and a simulated node: it registers, advertises its
// devices over ListAndWatch (health can be flipped), and answers Allocate
// with an env var naming the devices plus the mounts and device files it
// was configured with, or with a configured error.
package testplugin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// DevicesEnv is the env var Allocate sets to the comma-separated device ids.
const DevicesEnv = "HAMI_TEST_DEVICES"

// Options configure a plugin.
type Options struct {
	ResourceName string   // e.g. "hami.io/test-device"
	DeviceIDs    []string // advertised, all healthy at start
	Dir          string   // the kubelet's device-plugin dir (holds kubelet.sock)
	Endpoint     string   // socket name in Dir; derived from the resource when empty
	Env          map[string]string
	Mounts       []*pluginapi.Mount
	Devices      []*pluginapi.DeviceSpec
	FailAllocate string // when set, Allocate fails with this message
}

// Plugin is a running test device plugin.
type Plugin struct {
	pluginapi.UnimplementedDevicePluginServer
	opts   Options
	server *grpc.Server
	socket string

	mu      sync.Mutex
	health  map[string]string
	changed chan struct{} // closed and replaced on every health change
	stopped chan struct{}
	seen    []*pluginapi.AllocateRequest
}

// Start serves the plugin on Dir/Endpoint and registers it with the kubelet
// socket in Dir.
func Start(ctx context.Context, opts Options) (*Plugin, error) {
	if opts.Endpoint == "" {
		opts.Endpoint = strings.NewReplacer("/", "-", ".", "-").Replace(opts.ResourceName) + ".sock"
	}
	p := &Plugin{
		opts:    opts,
		socket:  filepath.Join(opts.Dir, opts.Endpoint),
		health:  make(map[string]string, len(opts.DeviceIDs)),
		changed: make(chan struct{}),
		stopped: make(chan struct{}),
	}
	for _, id := range opts.DeviceIDs {
		p.health[id] = pluginapi.Healthy
	}
	if err := p.serve(); err != nil {
		return nil, err
	}
	if err := p.register(ctx); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

func (p *Plugin) serve() error {
	if err := os.Remove(p.socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove stale %s: %w", p.socket, err)
	}
	l, err := net.Listen("unix", p.socket)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", p.socket, err)
	}
	p.server = grpc.NewServer()
	pluginapi.RegisterDevicePluginServer(p.server, p)
	go func() { _ = p.server.Serve(l) }()
	return nil
}

func (p *Plugin) register(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := grpc.NewClient("unix://"+filepath.Join(p.opts.Dir, "kubelet.sock"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("dial kubelet: %w", err)
	}
	defer conn.Close()
	_, err = pluginapi.NewRegistrationClient(conn).Register(ctx, &pluginapi.RegisterRequest{
		Version:      pluginapi.Version,
		Endpoint:     p.opts.Endpoint,
		ResourceName: p.opts.ResourceName,
		Options:      &pluginapi.DevicePluginOptions{},
	})
	if err != nil {
		return fmt.Errorf("register %s: %w", p.opts.ResourceName, err)
	}
	return nil
}

// Stop ends the ListAndWatch streams and the server and removes the socket.
func (p *Plugin) Stop() {
	p.mu.Lock()
	select {
	case <-p.stopped:
	default:
		close(p.stopped)
	}
	p.mu.Unlock()
	p.server.Stop()
	_ = os.Remove(p.socket)
}

// SetHealthy flips one device's health; ListAndWatch sends the new list.
func (p *Plugin) SetHealthy(id string, healthy bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.health[id] = pluginapi.Unhealthy
	if healthy {
		p.health[id] = pluginapi.Healthy
	}
	close(p.changed)
	p.changed = make(chan struct{})
}

// Requests returns the Allocate requests received so far.
func (p *Plugin) Requests() []*pluginapi.AllocateRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*pluginapi.AllocateRequest(nil), p.seen...)
}

// snapshot returns the device list and the channel closed at the next change.
func (p *Plugin) snapshot() ([]*pluginapi.Device, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	devs := make([]*pluginapi.Device, 0, len(p.health))
	for id, h := range p.health {
		devs = append(devs, &pluginapi.Device{ID: id, Health: h})
	}
	sort.Slice(devs, func(a, b int) bool { return devs[a].ID < devs[b].ID })
	return devs, p.changed
}
