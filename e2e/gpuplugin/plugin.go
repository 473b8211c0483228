package gpuplugin

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"k8s.io/client-go/kubernetes"

	"github.com/hami-project/hami/common/plugin"
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

// Plugin is the double serving one node. The device-plugin API itself
// (serving, registering, ListAndWatch) is common/plugin's Server, the one
// the real plugins use; the double supplies the devices and the answers.
type Plugin struct {
	opts      Options
	publisher *Publisher
	server    *plugin.Server
	stop      context.CancelFunc
	done      chan error
	stopOnce  sync.Once

	assigner *plugin.Assigner

	healthMu  sync.Mutex   // guards unhealthy
	unhealthy map[int]bool // GPU index -> unhealthy
}

// Start publishes the node's inventory, serves the device-plugin API and
// returns once the node has accepted the registration.
func Start(ctx context.Context, opts Options) (_ *Plugin, err error) {
	opts.Spec = opts.Spec.withDefaults()
	opts.Log = opts.Log.With().Str("component", "gpuplugin").Str("node", opts.Node).Logger()
	ledger, err := plugin.NewLedger("") // in memory: the double does not restart
	if err != nil {
		return nil, err
	}
	p := &Plugin{opts: opts, unhealthy: map[int]bool{}, done: make(chan error, 1),
		assigner: plugin.NewAssigner(Vendor, opts.Node, plugin.NewKubePods(opts.Client, opts.Node), ledger)}
	if p.publisher, err = NewPublisher(ctx, opts.JetStream, opts.Node, opts.Spec, opts.Log); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			p.Stop()
		}
	}()
	p.server, err = plugin.NewServer(plugin.Options{ResourceName: ResourceName, Dir: opts.Dir, Endpoint: endpoint, Backend: backend{p}, Poll: 200 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	// The server outlives Start's context: Stop ends it.
	run, stop := context.WithCancel(opts.Log.WithContext(context.WithoutCancel(ctx)))
	p.stop = stop
	go func() { p.done <- p.server.Run(run) }()
	return p, p.waitRegistered(ctx)
}

func (p *Plugin) waitRegistered(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	select {
	case <-p.server.Registered():
		return nil
	case err := <-p.done:
		p.done <- err // Stop waits for it too
		return fmt.Errorf("serve %s on %s: %w", ResourceName, p.opts.Node, err)
	case <-ctx.Done():
		return fmt.Errorf("register %s on %s: %w", ResourceName, p.opts.Node, ctx.Err())
	}
}

// Publisher controls the node's inventory (pause it to make the node stale).
func (p *Plugin) Publisher() *Publisher { return p.publisher }

// SetHealthy turns GPU i healthy or not, in the inventory and in the
// devices advertised to the node.
func (p *Plugin) SetHealthy(ctx context.Context, i int, healthy bool) error {
	p.healthMu.Lock()
	p.unhealthy[i] = !healthy
	p.healthMu.Unlock()
	p.server.Changed()
	return p.publisher.SetHealthy(ctx, i, healthy)
}

// Stop stops the heartbeat and the device-plugin server, which removes its
// socket.
func (p *Plugin) Stop() {
	p.stopOnce.Do(func() {
		if p.publisher != nil {
			p.publisher.Stop()
		}
		if p.stop != nil {
			p.stop()
			if err := <-p.done; err != nil {
				p.opts.Log.Warn().Err(err).Msg("device-plugin server stopped with an error")
			}
		}
	})
}
