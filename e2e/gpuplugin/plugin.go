package gpuplugin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// endpoint is the plugin's socket name in the node's device-plugin dir.
const endpoint = "hami-gpuplugin.sock"

// Options configure the double on one node.
type Options struct {
	Node string
	// Dir is the node's device-plugin directory, holding kubelet.sock
	// (simnode's Fleet.SocketDir).
	Dir       string
	Spec      Spec
	Client    kubernetes.Interface // reads the pods' allocations, writes bind-phase
	JetStream jetstream.JetStream  // publishes the inventory
	Log       zerolog.Logger
}

// Plugin is the double serving one node.
type Plugin struct {
	pluginapi.UnimplementedDevicePluginServer
	opts      Options
	publisher *Publisher
	server    *grpc.Server
	socket    string
	stopOnce  sync.Once
	stopped   chan struct{}

	// allocMu serialises Allocate, as the kubelet does per node, and
	// guards served.
	allocMu sync.Mutex
	served  map[types.UID]map[string]bool // pod -> containers answered

	healthMu  sync.Mutex   // guards unhealthy, changed
	unhealthy map[int]bool // GPU index -> unhealthy
	changed   chan struct{}
}

// Start publishes the node's inventory, serves the device-plugin API and
// registers it with the node.
func Start(ctx context.Context, opts Options) (_ *Plugin, err error) {
	opts.Spec = opts.Spec.withDefaults()
	opts.Log = opts.Log.With().Str("component", "gpuplugin").Str("node", opts.Node).Logger()
	p := &Plugin{
		opts: opts, socket: filepath.Join(opts.Dir, endpoint), stopped: make(chan struct{}),
		served: map[types.UID]map[string]bool{}, unhealthy: map[int]bool{}, changed: make(chan struct{}),
	}
	if p.publisher, err = NewPublisher(ctx, opts.JetStream, opts.Node, opts.Spec, opts.Log); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			p.Stop()
		}
	}()
	if err := p.serve(); err != nil {
		return nil, err
	}
	return p, p.register(ctx)
}

// Publisher controls the node's inventory (pause it to make the node stale).
func (p *Plugin) Publisher() *Publisher { return p.publisher }

// SetHealthy turns GPU i healthy or not, in the inventory and in the
// devices advertised to the node.
func (p *Plugin) SetHealthy(ctx context.Context, i int, healthy bool) error {
	p.healthMu.Lock()
	p.unhealthy[i] = !healthy
	close(p.changed)
	p.changed = make(chan struct{})
	p.healthMu.Unlock()
	return p.publisher.SetHealthy(ctx, i, healthy)
}

// Stop stops the heartbeat and the gRPC server and removes the socket.
func (p *Plugin) Stop() {
	p.stopOnce.Do(func() {
		close(p.stopped)
		if p.publisher != nil {
			p.publisher.Stop()
		}
		if p.server != nil {
			p.server.Stop()
		}
		_ = os.Remove(p.socket)
	})
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
		return fmt.Errorf("dial kubelet of %s: %w", p.opts.Node, err)
	}
	defer conn.Close()
	_, err = pluginapi.NewRegistrationClient(conn).Register(ctx, &pluginapi.RegisterRequest{
		Version: pluginapi.Version, Endpoint: endpoint, ResourceName: ResourceName,
		Options: &pluginapi.DevicePluginOptions{},
	})
	if err != nil {
		return fmt.Errorf("register %s on %s: %w", ResourceName, p.opts.Node, err)
	}
	return nil
}
