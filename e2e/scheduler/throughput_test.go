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
}

// TestSchedulerThroughput measures pods per second bound by kube-scheduler
// with the extender, against the same kube-scheduler binding plain pods
// (default profile, no extended resources) on the same nodes in the same
// run. It runs only when HAMI_BENCH_OUT names the file to write the result
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
	c := harness.StartForTest(t, harness.Options{Namespaces: []string{"bench-plain", "bench-gpu"}})
	hami := startHAMiScheduler(ctx, t, c, buildHAMiScheduler(t, t.TempDir()))
	spec := gpuplugin.Spec{TTL: 120 * time.Second, Heartbeat: 30 * time.Second}
	startStaticFleet(ctx, t, c, hami, nodes, spec)
	_, err := c.StartScheduler(ctx, schedulerConfig(hami.url(), false))
	require.NoError(t, err)

	res := Throughput{Nodes: nodes, Pods: pods, NodePolicy: "binpack (default)"}
	var policy map[string]string
	if p := os.Getenv("HAMI_BENCH_NODE_POLICY"); p != "" {
		policy, res.NodePolicy = map[string]string{"hami.io/node-scheduler-policy": p}, p
	}
	res.PlainPodsPerS = measureBinding(ctx, t, c.Client(), "bench-plain", pods, plainPod)
	res.GPUPodsPerS = measureBinding(ctx, t, c.Client(), "bench-gpu", pods, func(ns, name string) *corev1.Pod {
		return gpuPod(ns, name, share{count: 1, memMiB: 2000, cores: 10}, policy)
	})
	res.GPUToPlainRate = res.GPUPodsPerS / res.PlainPodsPerS
	logExtenderTimes(ctx, t, hami)
	t.Logf("THROUGHPUT nodes=%d pods=%d plain=%.0f/s gpu=%.0f/s ratio=%.2f", nodes, pods, res.PlainPodsPerS, res.GPUPodsPerS, res.GPUToPlainRate)
	body, err := json.MarshalIndent(res, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(out, body, 0o644))
}

// startStaticFleet starts simulated nodes with 4 x 10 nvidia.com/gpu of
// static capacity and publishes their inventories over one NATS connection.
func startStaticFleet(ctx context.Context, t *testing.T, c *harness.Cluster, hami *hamiScheduler, n int, spec gpuplugin.Spec) {
	t.Helper()
	capacity := nodeCapacity()
	capacity[gpuplugin.ResourceName] = resource.MustParse("40")
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

// measureBinding creates n pods at once and returns n divided by the time
// from the first create to the last pod bound, as a watch sees it.
func measureBinding(ctx context.Context, t *testing.T, client kubernetes.Interface, ns string, n int, newPod func(ns, name string) *corev1.Pod) float64 {
	t.Helper()
	list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	pods := make([]*corev1.Pod, n)
	for i := range pods {
		pods[i] = newPod(ns, fmt.Sprintf("pod-%04d", i))
	}
	start := time.Now()
	created := make(chan error, 1)
	go func() { created <- createPods(ctx, client, pods) }()
	last, err := waitAllBound(ctx, client, ns, list.ResourceVersion, n)
	require.NoError(t, err)
	require.NoError(t, <-created)
	return float64(n) / last.Sub(start).Seconds()
}

// waitAllBound watches ns from resourceVersion rv, opening the watch again
// where it left off when the apiserver closes it, until n distinct pods
// carry a node name, and returns when the last one was seen.
func waitAllBound(ctx context.Context, client kubernetes.Interface, ns, rv string, n int) (time.Time, error) {
	bound := make(map[string]bool, n)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	for len(bound) < n {
		w, err := client.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true})
		if err != nil {
			return time.Time{}, fmt.Errorf("watch pods of %s (%d of %d bound): %w", ns, len(bound), n, err)
		}
		rv = readBound(w, bound, n, rv)
		w.Stop()
		if err := ctx.Err(); err != nil {
			return time.Time{}, fmt.Errorf("%d of %d pods bound: %w", len(bound), n, err)
		}
	}
	return time.Now(), nil
}

// readBound records bound pods until n are or the watch ends, and returns
// the last resource version seen.
func readBound(w watch.Interface, bound map[string]bool, n int, rv string) string {
	for ev := range w.ResultChan() {
		pod, ok := ev.Object.(*corev1.Pod)
		if !ok {
			continue
		}
		rv = pod.ResourceVersion
		if pod.Spec.NodeName != "" {
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
