package simnode

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/workqueue"

	"github.com/hami-project/hami/common/kubeclient"
)

// Fleet is a set of simulated nodes sharing one client, one pod informer
// and two worker pools.
type Fleet struct {
	opts    Options
	client  kubernetes.Interface
	log     zerolog.Logger
	nodes   map[string]*node // fixed after Start
	names   []string
	records *recorder

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	factory informers.SharedInformerFactory
	queue   workqueue.TypedRateLimitingInterface[podKey]

	admitMu  sync.Mutex
	admitted map[types.UID]string // pod uid -> admission failure ("" = admitted)

	stopOnce sync.Once
}

// Start creates opts.Count Ready, schedulable nodes with their device-plugin
// Registration sockets, and returns once all exist. cfg should be a
// cluster-admin config; its QPS is raised for the fleet's own use.
func Start(ctx context.Context, cfg *rest.Config, opts Options) (_ *Fleet, err error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("simnode options: %w", err)
	}
	f, err := newFleet(cfg, opts.withDefaults())
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Stop()
		}
	}()
	if err := f.startRegistrations(); err != nil {
		return nil, err
	}
	if err := f.startPodInformer(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := f.createNodes(ctx); err != nil {
		return nil, err
	}
	f.startLeaseRenewal()
	f.log.Info().Int("nodes", len(f.names)).Dur("took", time.Since(start)).Msg("simulated nodes ready")
	return f, nil
}

func newFleet(cfg *rest.Config, opts Options) (*Fleet, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 2000, 4000
	kubeclient.UseProtobuf(cfg) // as the kubelet talks
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("simnode client: %w", err)
	}
	log := zerolog.Nop()
	if opts.Log != nil {
		log = opts.Log.With().Str("component", "simnode").Logger()
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &Fleet{
		opts:     opts,
		client:   client,
		log:      log,
		nodes:    make(map[string]*node, opts.Count),
		records:  &recorder{},
		ctx:      ctx,
		cancel:   cancel,
		admitted: make(map[types.UID]string),
	}
	for i := range opts.Count {
		n := newNode(f, opts.nodeName(i))
		f.nodes[n.name] = n
		f.names = append(f.names, n.name)
	}
	return f, nil
}

// Stop stops every node's servers and plugin streams and the informer. It
// leaves the Node objects: the cluster they live in is stopped next.
func (f *Fleet) Stop() {
	f.stopOnce.Do(func() {
		f.cancel()
		if f.queue != nil {
			f.queue.ShutDown()
		}
		if f.factory != nil {
			f.factory.Shutdown()
		}
		for _, n := range f.nodes {
			n.stop()
		}
		f.wg.Wait()
		f.log.Info().Msg("simulated nodes stopped")
	})
}

// Nodes lists the node names in creation order.
func (f *Fleet) Nodes() []string { return append([]string(nil), f.names...) }

// SocketDir is the node's device-plugin directory (holds kubelet.sock).
func (f *Fleet) SocketDir(nodeName string) (string, error) {
	n, err := f.node(nodeName)
	if err != nil {
		return "", err
	}
	return n.dir, nil
}

// Resources reports, per extended resource the node's plugins advertise,
// the healthy device ids, sorted.
func (f *Fleet) Resources(nodeName string) (map[string][]string, error) {
	n, err := f.node(nodeName)
	if err != nil {
		return nil, err
	}
	return n.healthyDevices(), nil
}

// Allocations returns every Allocate call made so far, in order.
func (f *Fleet) Allocations() []Allocation { return f.records.all() }

// PodAllocations returns the Allocate calls made for one pod.
func (f *Fleet) PodAllocations(namespace, name string) []Allocation {
	return f.records.forPod(namespace, name)
}

// ErrUnknownNode is returned for a node name not in the fleet.
var ErrUnknownNode = errors.New("unknown simulated node")

func (f *Fleet) node(name string) (*node, error) {
	n, ok := f.nodes[name]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownNode, name)
	}
	return n, nil
}
