package pluginrun

import (
	"context"
	"flag"

	"github.com/prometheus/client_golang/prometheus"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/common/plugin"
)

// Vendor is what a vendor module supplies to run its plugin.
type Vendor interface {
	// Name is the vendor's key in the configuration and the inventory.
	Name() string
	// RegisterFlags adds the vendor's own flags.
	RegisterFlags(fs *flag.FlagSet)
	// Validate checks the vendor's own flags after parsing.
	Validate() error
	// Open opens the vendor's library (real or fake, as env.Config.Fake
	// says) and discovers the node's devices.
	Open(ctx context.Context, env *Env) (Node, error)
}

// Node is the vendor's devices on this node, open for the process's life.
type Node interface {
	// Devices are the discovered devices as the inventory describes them;
	// SplitCount is the hardware's tenant limit (0: none), and health,
	// filters and the configured split count are applied by the kit.
	Devices() []device.Device
	// Watch reports health changes until ctx ends.
	Watch(ctx context.Context, r health.Reporter) error
	// Answer is the kubelet's answer for a container the kit has matched
	// to its pod and checked (devalloc.Answer).
	Answer(ctx context.Context, p *plugin.Pending, chosen []device.Device) (*pluginapi.ContainerAllocateResponse, error)
	Close() error
}

// Collecting is a Node that exports device metrics (usage, temperature,
// per-container figures) served on --metrics-listen and by the monitor.
type Collecting interface {
	Collector() prometheus.Collector
}

// Env is what the kit hands a vendor's Open.
type Env struct {
	Config Config
	// HAMi is the whole configuration document; NodeConfig its values in
	// force on this node.
	HAMi       *config.Config
	NodeConfig config.Node

	// partitions is made by Partitions, at most once.
	partitions *partition.Manager
	// dirs are the roots registered by ContainerDirs.
	dirs ContainerDirs
}

// ContainerDirs registers a host root holding one directory per container
// named <pod uid>_<container> (limiter.ContainerDir): the kit removes the
// directories of pods that are gone, at start and every --reconcile.
func (e *Env) ContainerDirs(root string) { e.dirs.Add(root) }

// Partitions returns the node's partition manager for d, created on the
// first call with its checkpoint in the state directory. The kit destroys
// partitions of finished pods, at start and every --reconcile.
func (e *Env) Partitions(d partition.Driver) (*partition.Manager, error) {
	if e.partitions != nil {
		return e.partitions, nil
	}
	m, err := partition.NewManager(e.Config.Vendor, e.Config.StatePath("partitions"), d)
	if err != nil {
		return nil, err
	}
	e.partitions = m
	return m, nil
}
