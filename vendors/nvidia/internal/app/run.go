package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/rs/zerolog"
	"k8s.io/client-go/kubernetes"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/kubeclient"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/vendors/nvidia/internal/allocator"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/health"
	"github.com/hami-project/hami/vendors/nvidia/internal/mig"
	"github.com/hami-project/hami/vendors/nvidia/internal/node"
)

// Run is the plugin process until ctx ends. version is the plugin's.
func Run(ctx context.Context, c Config, version string) error {
	cfg, err := loadConfig(c.ConfigFile)
	if err != nil {
		return err
	}
	lib, err := openNVML(c)
	if err != nil {
		return err
	}
	defer func() { _ = lib.Shutdown() }()
	gpus, err := discovery.Discover(lib)
	if err != nil {
		return fmt.Errorf("discover GPUs: %w", err)
	}
	zerolog.Ctx(ctx).Info().Int("gpus", len(gpus)).Msg("discovered GPUs")
	client, err := kubeclient.New(c.Kubeconfig)
	if err != nil {
		return err
	}
	nodeCfg := cfg.ForNode(c.Node)
	p, err := newParts(c, nodeCfg, lib, gpus, client)
	if err != nil {
		return err
	}
	spec := node.Spec{Node: c.Node, PluginVersion: version, Resources: cfg.Vendors[node.Vendor], Config: nodeCfg, TTLSeconds: int32(c.TTL / time.Second)}
	return p.run(ctx, c, spec, gpus)
}

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}

// openNVML returns an initialised NVML: the fake, or the driver's library
// (loaded only here, so the binary runs without it in fake mode).
func openNVML(c Config) (nvml.Interface, error) {
	var lib nvml.Interface
	if c.Fake != "" {
		desc, err := c.FakeDescription()
		if err != nil {
			return nil, err
		}
		if lib, err = fake.New(desc); err != nil {
			return nil, err
		}
	} else {
		lib = nvml.New()
	}
	if err := discovery.Check(lib.Init(), "init NVML (is the NVIDIA driver installed?)"); err != nil {
		return nil, err
	}
	return lib, nil
}

// parts are the long-lived pieces of the process.
type parts struct {
	tracker *health.Tracker
	pods    *plugin.KubePods
	mig     *mig.Manager
	server  *plugin.Server
}

func newParts(c Config, nodeCfg config.Node, lib nvml.Interface, gpus []discovery.GPU, client kubernetes.Interface) (*parts, error) {
	p := &parts{tracker: health.NewTracker(lib, c.IgnoredXIDs), pods: plugin.NewKubePods(client, c.Node)}
	ledger, err := plugin.NewLedger(c.ledgerPath())
	if err != nil {
		return nil, err
	}
	if nodeCfg.MigStrategy == config.MigStrategyMixed {
		if p.mig, err = mig.NewManager(lib, c.migPath()); err != nil {
			return nil, err
		}
	}
	assign := plugin.NewAssigner(node.Vendor, c.Node, p.pods, ledger)
	alloc := allocator.New(allocator.Options{
		Config: nodeCfg, LimiterDir: c.LimiterDir, RegionRoot: c.RegionRoot, CorePolicy: c.CorePolicy,
	}, gpus, p.tracker.Healthy, assign, p.mig)
	p.server, err = plugin.NewServer(plugin.Options{
		ResourceName: config.DefaultVendors()[node.Vendor].Count, Dir: c.PluginDir, Endpoint: c.Endpoint, Backend: alloc,
	})
	return p, err
}

func (p *parts) run(ctx context.Context, c Config, spec node.Spec, gpus []discovery.GPU) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 4)
	invChanges := make(chan struct{}, 1)
	go func() { errs <- p.tracker.Watch(ctx, gpus) }()
	go p.fanOut(ctx, invChanges)
	if p.mig != nil {
		go p.reconcileMIG(ctx, c.ReconcileEvery)
	}
	if c.NATSURL != "" {
		go func() { errs <- publish(ctx, c, spec, gpus, p.tracker, invChanges) }()
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
func (p *parts) fanOut(ctx context.Context, inv chan<- struct{}) {
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

func (p *parts) reconcileMIG(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		live, err := p.pods.Live(ctx)
		if err == nil {
			err = p.mig.Reconcile(ctx, live)
		}
		if err != nil && ctx.Err() == nil {
			zerolog.Ctx(ctx).Warn().Err(err).Msg("reconcile MIG instances")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func publish(ctx context.Context, c Config, spec node.Spec, gpus []discovery.GPU, tr *health.Tracker, changes <-chan struct{}) error {
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
	build := func() *device.NodeInventory { return node.Inventory(spec, gpus, tr.Healthy) }
	plugin.PublishInventory(ctx, pub, build, changes)
	return nil
}
