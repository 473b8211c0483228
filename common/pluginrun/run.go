package pluginrun

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/devalloc"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/kubeclient"
	"github.com/hami-project/hami/common/metrics"
	"github.com/hami-project/hami/common/nodeinv"
	"github.com/hami-project/hami/common/plugin"
)

// Run is the plugin process until ctx ends: it opens the vendor's devices,
// serves the kubelet's device-plugin API under the configured resource
// name, tracks health, destroys partitions of finished pods, publishes the
// inventory over NATS and serves metrics. version is the vendor module's.
func Run(ctx context.Context, c Config, v Vendor, version string) error {
	env, err := NewEnv(c)
	if err != nil {
		return err
	}
	node, err := v.Open(ctx, env)
	if err != nil {
		return err
	}
	defer func() { _ = node.Close() }()
	devs := node.Devices()
	zerolog.Ctx(ctx).Info().Int("devices", len(devs)).Msg("discovered devices")
	p, err := assemble(env, node, version)
	if err != nil {
		return err
	}
	return p.run(ctx, node)
}

// NewEnv loads the configuration document and resolves this node's part.
func NewEnv(c Config) (*Env, error) {
	cfg := config.Default()
	if c.ConfigFile != "" {
		var err error
		if cfg, err = config.Load(c.ConfigFile); err != nil {
			return nil, err
		}
	}
	if _, ok := cfg.Vendors[c.Vendor]; !ok {
		return nil, fmt.Errorf("the configuration names no resources for vendor %q: add vendors.%s to %s", c.Vendor, c.Vendor, c.ConfigFile)
	}
	return &Env{Config: c, HAMi: cfg, NodeConfig: cfg.ForNode(c.Node)}, nil
}

// process holds the long-lived pieces of the plugin.
type process struct {
	env     *Env
	tracker *health.Tracker
	pods    *plugin.KubePods
	server  *plugin.Server
	spec    nodeinv.Spec
	devices []device.Device
}

func assemble(env *Env, node Node, version string) (*process, error) {
	c := env.Config
	client, err := kubeclient.New(c.Kubeconfig)
	if err != nil {
		return nil, err
	}
	ledger, err := plugin.NewLedger(c.StatePath("served"))
	if err != nil {
		return nil, err
	}
	p := &process{
		env: env, tracker: health.NewTracker(), pods: plugin.NewKubePods(client, c.Node), devices: node.Devices(),
		spec: nodeinv.Spec{
			Node: c.Node, Vendor: c.Vendor, PluginVersion: version, Resources: env.HAMi.Vendors[c.Vendor],
			Config: env.NodeConfig, TTLSeconds: int32(c.TTL / time.Second),
		},
	}
	assign := plugin.NewAssigner(c.Vendor, c.Node, p.pods, ledger)
	alloc := devalloc.New(p.inventory, assign, node.Answer)
	// The kubelet is told the count resource of the configuration, the
	// name the webhook writes into pods and the inventory publishes.
	p.server, err = plugin.NewServer(plugin.Options{
		ResourceName: p.spec.Resources.Count, Dir: c.PluginDir, Endpoint: c.Endpoint, Backend: alloc,
	})
	return p, err
}

// inventory is the node's inventory as of now: what the scheduler is told
// and what the kubelet's device list follows.
func (p *process) inventory() *device.NodeInventory {
	return nodeinv.Build(p.spec, p.devices, p.tracker.Healthy)
}

func (p *process) run(ctx context.Context, node Node) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := p.env.Config
	errs := make(chan error, 4)
	invChanges := make(chan struct{}, 1)
	go func() { errs <- p.tracker.Run(ctx, node.Watch) }()
	go p.fanOut(ctx, invChanges)
	if m := p.env.partitions; m != nil {
		go m.Run(ctx, p.pods, c.ReconcileEvery)
	}
	if len(p.env.dirs.registered()) > 0 {
		go p.env.dirs.Run(ctx, p.pods, c.ReconcileEvery)
	}
	if c.NATSURL != "" {
		go func() { errs <- p.publish(ctx, invChanges) }()
	}
	if col, ok := node.(Collecting); ok && c.MetricsListen != "" {
		go func() { errs <- serveMetrics(ctx, c.MetricsListen, col.Collector()) }()
	}
	go func() { errs <- p.server.Run(ctx) }()
	select {
	case <-ctx.Done():
		return nil
	case err := <-errs:
		if err != nil {
			return err
		}
		return errors.New("a plugin component stopped")
	}
}

// fanOut passes health changes to the kubelet and the inventory.
func (p *process) fanOut(ctx context.Context, inv chan<- struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.tracker.Changes():
			p.server.Changed()
			select {
			case inv <- struct{}{}:
			default:
			}
		}
	}
}

func (p *process) publish(ctx context.Context, changes <-chan struct{}) error {
	c := p.env.Config
	opts, err := c.NATS.Options()
	if err != nil {
		return err
	}
	invOpts := []inventory.Option{inventory.WithHeartbeat(c.Heartbeat)}
	if c.NATS.Authenticated() {
		// A node's credentials cannot create the bucket: the scheduler does.
		invOpts = append(invOpts, inventory.WithCreateBucket(false))
	}
	nc, js, err := plugin.ConnectNATS(c.NATSURL, c.Node, opts...)
	if err != nil {
		return err
	}
	defer nc.Close()
	pub, err := inventory.NewPublisher(js, invOpts...)
	if err != nil {
		return err
	}
	plugin.PublishInventory(ctx, pub, p.inventory, changes)
	return nil
}

func serveMetrics(ctx context.Context, listen string, col prometheus.Collector) error {
	reg := metrics.NewRegistry()
	if err := reg.Register(col); err != nil {
		return fmt.Errorf("register device metrics: %w", err)
	}
	zerolog.Ctx(ctx).Info().Str("listen", listen).Msg("serving device metrics")
	return metrics.Serve(ctx, listen, reg)
}
