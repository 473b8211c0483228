package scheduler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	schedv1 "k8s.io/kube-scheduler/config/v1"

	"github.com/hami-project/hami/e2e/gpuplugin"
	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/simnode"
)

// Throughput is what TestSchedulerThroughput writes to HAMI_BENCH_OUT.
type Throughput struct {
	Nodes          int     `json:"nodes"`
	Pods           int     `json:"pods"`
	NodePolicy     string  `json:"nodePolicy"`
	PlainPodsPerS  float64 `json:"plainPodsPerSecond"`
	GPUPodsPerS    float64 `json:"gpuPodsPerSecond"`
	GPUToPlainRate float64 `json:"gpuToPlainRatio"`
	// ExtendedPodsPerS is the rate of the GPU pods through the same
	// kube-scheduler configured without the extender: kube-scheduler's own
	// cost of such pods, which tells its part of the gap from the
	// extender's.
	ExtendedPodsPerS float64 `json:"extendedNoExtenderPodsPerSecond"`
}

// TestSchedulerThroughput measures pods per second bound by kube-scheduler
// with the extender, against the same kube-scheduler binding plain pods
// (default profile, no extended resources) on the same nodes in the same
// run: first the plain pods, then the GPU pods. Each kind is measured on a
// backlog: its pods are created while no kube-scheduler runs, then
// kube-scheduler starts and the rate is taken from the first pod bound to
// the last; kube-scheduler stops and the pods are deleted before the next
// kind, which starts from the same empty cluster. Creating pods
// while kube-scheduler runs measured the creating client instead (its 200
// requests per second capped plain pods at 250 per second). It runs only when HAMI_BENCH_OUT names the file to write the result
// to (hack/bench-scheduler.sh); HAMI_BENCH_NODES and HAMI_BENCH_PODS size
// it (500 and 2000), HAMI_BENCH_NODE_POLICY sets the GPU pods' node policy
// (the configured default, binpack, when empty).
//
// Nodes advertise nvidia.com/gpu as static capacity and their inventories
// are published straight over NATS, without a device plugin per node: a
// simulated node admits a resource no plugin serves, as the kubelet does for
// extender-managed resources. Pods count as placed once bound.
func TestSchedulerThroughput(t *testing.T) {
	out := os.Getenv("HAMI_BENCH_OUT")
	if out == "" {
		t.Skip("skipping: set HAMI_BENCH_OUT=<file> to run the throughput benchmark")
	}
	nodes, pods := envInt("HAMI_BENCH_NODES", 500), envInt("HAMI_BENCH_PODS", 2000)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	c := harness.StartForTest(t, harness.Options{Namespaces: []string{"bench-plain", "bench-gpu", "bench-extended"}})
	hami := startHAMiScheduler(ctx, t, c, buildHAMiScheduler(t, t.TempDir()))
	spec := gpuplugin.Spec{TTL: 120 * time.Second, Heartbeat: 30 * time.Second}
	startStaticFleet(ctx, t, c, hami, nodes, spec)
	cfg := schedulerConfig(hami, best)

	res := Throughput{Nodes: nodes, Pods: pods, NodePolicy: "binpack (default)"}
	var policy map[string]string
	if p := os.Getenv("HAMI_BENCH_NODE_POLICY"); p != "" {
		policy, res.NodePolicy = map[string]string{"hami.io/node-scheduler-policy": p}, p
	}
	res.PlainPodsPerS = measureBacklog(ctx, t, c, cfg, "bench-plain", pods, plainPod)
	res.GPUPodsPerS = measureBacklog(ctx, t, c, cfg, "bench-gpu", pods, func(ns, name string) *corev1.Pod {
		return gpuPod(ns, name, share{count: 1, memMiB: 2000, cores: 10}, policy)
	})
	res.GPUToPlainRate = res.GPUPodsPerS / res.PlainPodsPerS
	logExtenderTimes(ctx, t, hami)
	// Extenders serve every profile of a kube-scheduler: the same pods go
	// without one only through a kube-scheduler configured with none.
	noExtender := cfg.DeepCopy()
	noExtender.Extenders = nil
	filtered, err := hami.metric(ctx, "hami_scheduler_filter_duration_seconds_count")
	require.NoError(t, err)
	res.ExtendedPodsPerS = measureBacklog(ctx, t, c, noExtender, "bench-extended", pods, func(ns, name string) *corev1.Pod {
		return gpuPod(ns, name, share{count: 1, memMiB: 2000, cores: 10}, nil)
	})
	after, err := hami.metric(ctx, "hami_scheduler_filter_duration_seconds_count")
	require.NoError(t, err)
	require.Equal(t, filtered, after, "the pods without the extender reached it")
	t.Logf("THROUGHPUT nodes=%d pods=%d plain=%.0f/s gpu=%.0f/s ratio=%.2f; same resources without the extender=%.0f/s",
		nodes, pods, res.PlainPodsPerS, res.GPUPodsPerS, res.GPUToPlainRate, res.ExtendedPodsPerS)
	body, err := json.MarshalIndent(res, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(out, body, 0o644))
}

// startStaticFleet starts simulated nodes with 4 x 10 nvidia.com/gpu of
// static capacity and publishes their inventories over one NATS connection.
// The nodes also advertise the GPUs' memory and cores as counters, for the
// pods that ask for them without the extender.
func startStaticFleet(ctx context.Context, t *testing.T, c *harness.Cluster, hami *hamiScheduler, n int, spec gpuplugin.Spec) {
	t.Helper()
	capacity := nodeCapacity()
	capacity[gpuplugin.ResourceName] = resource.MustParse("40")
	capacity["nvidia.com/gpumem"] = resource.MustParse("327680")
	capacity["nvidia.com/gpucores"] = resource.MustParse("400")
	sim, err := c.StartSimNodes(ctx, simnode.Options{Count: n, NamePrefix: "bench-", Capacity: capacity, Workers: 32})
	require.NoError(t, err)
	js := connectNATS(t, c, hami.natsURL())
	for _, node := range sim.Nodes() {
		p, err := gpuplugin.NewPublisher(ctx, js, node, spec, c.Log())
		require.NoError(t, err)
		c.OnStop("publisher "+node, func() error { p.Stop(); return nil })
	}
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		entries, err := hami.metric(ctx, "hami_inventory_entries")
		return err == nil && entries == float64(n), nil
	})
	require.NoError(t, err, "scheduler never saw %d inventories", n)
}

// measureBacklog creates n pods while no scheduler runs, then starts
// kube-scheduler and returns the rate it binds them at: n-1 over the time
// from the first pod bound to the last. Creating the pods first keeps the
// client that creates them out of the figure; stopping kube-scheduler and
// deleting the pods afterwards leaves the next measurement the same start.
func measureBacklog(ctx context.Context, t *testing.T, c *harness.Cluster, cfg *schedv1.KubeSchedulerConfiguration, ns string, n int, newPod func(ns, name string) *corev1.Pod) float64 {
	t.Helper()
	client := c.Client()
	list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	pods := make([]*corev1.Pod, n)
	for i := range pods {
		pods[i] = newPod(ns, fmt.Sprintf("pod-%04d", i))
	}
	require.NoError(t, createPods(ctx, client, pods))
	sched, err := c.StartScheduler(ctx, cfg)
	require.NoError(t, err)
	first, last, err := bindSpan(ctx, client, ns, list.ResourceVersion, n)
	require.NoError(t, err)
	require.NoError(t, sched.Stop(10*time.Second))
	clearNamespace(ctx, t, client, ns)
	return float64(n-1) / last.Sub(first).Seconds()
}

// clearNamespace deletes the pods of ns and waits until they are gone, so
// that every kind is measured on an empty cluster.
func clearNamespace(ctx context.Context, t *testing.T, client kubernetes.Interface, ns string) {
	t.Helper()
	require.NoError(t, deleteAllPods(ctx, client, ns))
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		n, err := countPods(ctx, client, ns)
		return err == nil && n == 0, nil
	})
	require.NoError(t, err, "pods of %s not deleted", ns)
}

// bindSpan watches ns from resourceVersion rv, opening the watch again
// where it left off when the apiserver closes it, until n distinct pods
// carry a node name, and returns when the first and the last were seen.
func bindSpan(ctx context.Context, client kubernetes.Interface, ns, rv string, n int) (first, last time.Time, err error) {
	bound := make(map[string]bool, n)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	for len(bound) < n {
		w, err := client.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true})
		if err != nil {
			return first, last, fmt.Errorf("watch pods of %s (%d of %d bound): %w", ns, len(bound), n, err)
		}
		rv = readBound(w, bound, n, rv, &first)
		w.Stop()
		if err := ctx.Err(); err != nil {
			return first, last, fmt.Errorf("%d of %d pods bound: %w", len(bound), n, err)
		}
	}
	return first, time.Now(), nil
}

// readBound records bound pods until n are or the watch ends, sets first
// when the first one is seen, and returns the last resource version seen.
func readBound(w watch.Interface, bound map[string]bool, n int, rv string, first *time.Time) string {
	for ev := range w.ResultChan() {
		pod, ok := ev.Object.(*corev1.Pod)
		if !ok {
			continue
		}
		rv = pod.ResourceVersion
		if pod.Spec.NodeName != "" && !bound[pod.Name] {
			if len(bound) == 0 {
				*first = time.Now()
			}
			bound[pod.Name] = true
			if len(bound) == n {
				return rv
			}
		}
	}
	return rv
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// logExtenderTimes logs the extender's own decision counts and mean
// latencies, to tell its time from kube-scheduler's when the ratio misses.
func logExtenderTimes(ctx context.Context, t *testing.T, hami *hamiScheduler) {
	t.Helper()
	for _, verb := range []string{"filter", "bind"} {
		sum, err1 := hami.metric(ctx, "hami_scheduler_"+verb+"_duration_seconds_sum")
		count, err2 := hami.metric(ctx, "hami_scheduler_"+verb+"_duration_seconds_count")
		if err1 == nil && err2 == nil && count > 0 {
			t.Logf("extender %s: %.0f calls, mean %.2f ms", verb, count, 1000*sum/count)
		}
	}
	for _, result := range []string{"bound", "error"} {
		n, err := hami.metric(ctx, "hami_scheduler_decisions_total", `verb="bind"`, `result="`+result+`"`)
		if err == nil {
			t.Logf("extender bind %s: %.0f", result, n)
		}
	}
}
