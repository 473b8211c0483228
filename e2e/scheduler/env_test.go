package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/hami-project/hami/e2e/gpuplugin"
	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/harness/proc"
	"github.com/hami-project/hami/e2e/simnode"
)

// env is one cluster shared by every scenario: hami-scheduler (with the
// plugin front end, kube-scheduler itself; with the extender front end,
// beside a kube-scheduler that calls it), and a pool of simulated GPU
// nodes. Scenarios run one after the other and leave the pool empty.
type env struct {
	c         *harness.Cluster
	client    kubernetes.Interface
	hami      *hamiScheduler
	kubeSched *proc.Process // nil under the plugin front end
	nodes     []string
	sim       *simnode.Fleet
	gpus      *gpuplugin.Fleet
	spec      gpuplugin.Spec
}

// envOptions size the pool.
type envOptions struct {
	nodes      int
	spec       gpuplugin.Spec
	namespaces []string
	front      frontEnd
}

func startEnv(ctx context.Context, t *testing.T, o envOptions) *env {
	t.Helper()
	bin := buildHAMiScheduler(t, t.TempDir())
	c := harness.StartForTest(t, harness.Options{Namespaces: o.namespaces})
	e := &env{c: c, client: c.Client(), spec: o.spec}
	e.hami = startHAMiScheduler(ctx, t, c, bin, o.front)

	sim, err := c.StartSimNodes(ctx, simnode.Options{Count: o.nodes, NamePrefix: "gpu-", Capacity: nodeCapacity()})
	require.NoError(t, err)
	e.sim, e.nodes = sim, sim.Nodes()
	js := connectNATS(t, c, e.hami.natsURL())
	e.gpus, err = gpuplugin.StartFleet(ctx, e.nodes, sim, o.spec, e.client, js, c.Log())
	require.NoError(t, err)
	c.OnStop("gpuplugins", func() error { e.gpus.Stop(); return nil })

	if o.front == extenderFrontEnd {
		e.kubeSched, err = c.StartScheduler(ctx, schedulerConfig(e.hami, best))
		require.NoError(t, err)
	}
	e.waitFleetFresh(ctx, t)
	return e
}

// useNodeChoice restarts hami-scheduler with --node-choice=choice and
// kube-scheduler with the configuration that goes with it.
func (e *env) useNodeChoice(ctx context.Context, t *testing.T, choice nodeChoice) {
	t.Helper()
	if e.kubeSched != nil {
		require.NoError(t, e.kubeSched.Stop(10*time.Second))
	}
	require.NoError(t, e.hami.p.Stop(10*time.Second))
	e.hami.choice = choice
	require.NoError(t, e.hami.start(ctx))
	e.waitFleetFresh(ctx, t)
	if e.kubeSched != nil {
		var err error
		e.kubeSched, err = e.c.StartScheduler(ctx, schedulerConfig(e.hami, choice))
		require.NoError(t, err)
	}
}

// nodeCapacity is a node's CPU, memory and pod capacity; the GPU count
// comes from the plugin.
func nodeCapacity() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("64"),
		corev1.ResourceMemory: resource.MustParse("512Gi"),
		corev1.ResourcePods:   resource.MustParse("250"),
	}
}

// connectNATS connects the plugins to the scheduler's embedded server,
// reconnecting for as long as it takes (the restart scenario kills it).
func connectNATS(t *testing.T, c *harness.Cluster, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, nats.Name("e2e-gpuplugins"), nats.MaxReconnects(-1),
		nats.ReconnectWait(200*time.Millisecond), nats.ReconnectJitter(0, 0))
	require.NoError(t, err)
	c.OnStop("plugin NATS connection", func() error { nc.Close(); return nil })
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// waitFleetFresh waits until the scheduler holds a fresh inventory of every
// node of the pool.
func (e *env) waitFleetFresh(ctx context.Context, t *testing.T) {
	t.Helper()
	want := float64(len(e.nodes))
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		entries, err := e.hami.metric(ctx, "hami_inventory_entries")
		if err != nil {
			return false, nil //nolint:nilerr // retried until the timeout
		}
		stale, err := e.hami.metric(ctx, "hami_inventory_stale")
		return err == nil && entries == want && stale == 0, nil
	})
	require.NoError(t, err, "scheduler never saw %v fresh inventories", want)
}

// plugin is the double of one node.
func (e *env) plugin(t *testing.T, node string) *gpuplugin.Plugin {
	t.Helper()
	p, err := e.gpus.Plugin(node)
	require.NoError(t, err)
	return p
}

// ns returns the scenario's namespace (see TestScheduler) and empties the
// pool when the test ends.
func (e *env) ns(ctx context.Context, t *testing.T) string {
	t.Helper()
	parts := strings.Split(t.Name(), "/")
	require.GreaterOrEqual(t, len(parts), 3, "call ns from a scenario of TestScheduler")
	name := namespaceOf(parts[2])
	t.Cleanup(func() { e.emptyPool(ctx, t, name) })
	return name
}

// emptyPool deletes the namespace's pods and waits until the scheduler has
// freed their shares, so the next scenario starts on idle GPUs.
func (e *env) emptyPool(ctx context.Context, t *testing.T, ns string) {
	t.Helper()
	require.NoError(t, deleteAllPods(ctx, e.client, ns))
	var left int
	var mem float64
	var lastErr error
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		if left, lastErr = countPods(ctx, e.client, ns); lastErr != nil || left > 0 {
			return false, nil
		}
		mem, lastErr = e.hami.metric(ctx, "hami_device_memory_allocated_mib")
		return lastErr == nil && mem == 0, nil
	})
	require.NoError(t, err, "pods of %s not gone (%d left) or their shares not freed (%v MiB): %v", ns, left, mem, lastErr)
}
