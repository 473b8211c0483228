package scheduler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
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

	"github.com/hami-project/hami/common/kubeclient"
	"github.com/hami-project/hami/e2e/demo"
	"github.com/hami-project/hami/e2e/gpuplugin"
	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/harness/proc"
	"github.com/hami-project/hami/e2e/simnode"
)

// Throughput is what TestSchedulerThroughput writes to HAMI_BENCH_OUT: the
// median over rounds of each rate and of each round's ratios.
type Throughput struct {
	Nodes         int     `json:"nodes"`
	Pods          int     `json:"pods"`
	NodePolicy    string  `json:"nodePolicy"`
	PlainPodsPerS float64 `json:"plainPodsPerSecond"`
	// GPUPodsPerS is the GPU pods through hami-scheduler's plugin front end.
	GPUPodsPerS    float64 `json:"gpuPodsPerSecond"`
	GPUToPlainRate float64 `json:"gpuToPlainRatio"`
	// PluginOffPodsPerS is the same GPU pods through the same binary with
	// the HAMi plugin switched off and NodeResourcesFit ignoring the vendor
	// groups: kube-scheduler's own cost of such pods, the floor.
	PluginOffPodsPerS float64 `json:"pluginOffPodsPerSecond"`
	// GPUToPluginOffRate is the plugin's own cost: GPU pods with it over
	// without it.
	GPUToPluginOffRate float64 `json:"gpuToPluginOffRatio"`
	// ExtenderPodsPerS is the GPU pods through the pinned kube-scheduler
	// with hami-scheduler as its extender.
	ExtenderPodsPerS    float64 `json:"extenderPodsPerSecond"`
	ExtenderToPlainRate float64 `json:"extenderToPlainRatio"`
	Rounds              []Round `json:"rounds"`
	// CPU is the CPU each process used while the GPU pods bound through the
	// plugin front end (last round), in cores (1 = one core busy).
	CPU map[string]float64 `json:"cpuDuringGPUPhaseCores"`
}

// Round is one measurement of each kind.
type Round struct {
	Order             []string `json:"order"`
	PlainPodsPerS     float64  `json:"plainPodsPerSecond"`
	GPUPodsPerS       float64  `json:"gpuPodsPerSecond"`
	PluginOffPodsPerS float64  `json:"pluginOffPodsPerSecond"`
	ExtenderPodsPerS  float64  `json:"extenderPodsPerSecond"`
}

// kinds of pods the benchmark measures, in the order of the first round.
const (
	kindPlain     = "plain"
	kindGPU       = "gpu"
	kindPluginOff = "gpu-plugin-off"
	kindExtender  = "gpu-extender"
)

// TestSchedulerThroughput measures pods per second bound by hami-scheduler
// with the plugin front end, for GPU pods and for plain pods (default
// profile) on the same nodes in the same run, for the GPU pods through the
// same binary with the HAMi plugin switched off (NodeResourcesFit ignoring
// the vendor groups), and for the GPU pods through the pinned kube-scheduler
// with hami-scheduler as its extender. Each kind is measured on a backlog:
// its pods are created while no scheduler runs, then the scheduler starts
// and the rate is taken from the first pod bound to the last; the scheduler
// stops and the pods are deleted before the next kind, which starts from
// the same empty cluster. Creating pods while the scheduler runs measured
// the creating client instead. On a machine whose CPUs the control plane
// saturates, one measurement varies by a quarter from the next; the kinds
// are measured in rounds, each in a rotated order, and the medians
// reported.
//
// The inventories live on the NATS server embedded in one hami-scheduler
// that runs throughout as the extender; the plugin front ends started for
// each measurement connect to it (--nats-url).
//
// It runs only when HAMI_BENCH_OUT names the file to write the result to
// (hack/bench-scheduler.sh); HAMI_BENCH_NODES, HAMI_BENCH_PODS and
// HAMI_BENCH_ROUNDS size it (500, 2000 and 3), HAMI_BENCH_NODE_POLICY sets
// the GPU pods' node policy (the configured default, binpack, when empty).
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
	nodes, pods, rounds := envInt("HAMI_BENCH_NODES", 500), envInt("HAMI_BENCH_PODS", 2000), envInt("HAMI_BENCH_ROUNDS", 3)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	kinds := []string{kindPlain, kindGPU, kindPluginOff, kindExtender}
	c := harness.StartForTest(t, harness.Options{Namespaces: kinds})
	bin := buildHAMiScheduler(t, t.TempDir())
	hami := startHAMiScheduler(ctx, t, c, bin, extenderFrontEnd)
	spec := gpuplugin.Spec{TTL: 120 * time.Second, Heartbeat: 30 * time.Second}
	startStaticFleet(ctx, t, c, hami, nodes, spec)

	res := Throughput{Nodes: nodes, Pods: pods, NodePolicy: "binpack (default)"}
	var policy map[string]string
	if p := os.Getenv("HAMI_BENCH_NODE_POLICY"); p != "" {
		policy, res.NodePolicy = map[string]string{"hami.io/node-scheduler-policy": p}, p
	}
	gpu := share{count: 1, memMiB: 2000, cores: 10}
	gpuPods := func(ns, name string) *corev1.Pod { return gpuPod(ns, name, gpu, policy) }
	withPlugin, err := demo.PluginSchedulerConfig(bin)
	require.NoError(t, err)
	pluginOff := withoutPlugin(withPlugin)
	plugin := &pluginRun{c: c, bin: bin, natsURL: hami.natsURL()}
	extended := func() *proc.Process {
		p, err := c.StartScheduler(ctx, schedulerConfig(hami, best))
		require.NoError(t, err)
		return p
	}
	measure := map[string]func() float64{
		kindPlain: func() float64 {
			return measureBacklog(ctx, t, c, plugin.start(ctx, t, withPlugin), kindPlain, pods, plainPod, nil)
		},
		kindGPU: func() float64 {
			cpu := &cpuMeter{c: c}
			rate := measureBacklog(ctx, t, c, plugin.start(ctx, t, withPlugin), kindGPU, pods, gpuPods, cpu)
			res.CPU = cpu.cores
			return rate
		},
		kindPluginOff: func() float64 {
			return measureBacklog(ctx, t, c, plugin.start(ctx, t, pluginOff), kindPluginOff, pods, gpuPods, nil)
		},
		kindExtender: func() float64 {
			return measureBacklog(ctx, t, c, extended, kindExtender, pods, gpuPods, nil)
		},
	}
	for r := range rounds {
		order := append(slices.Clone(kinds[r%len(kinds):]), kinds[:r%len(kinds)]...)
		rates := map[string]float64{}
		for _, kind := range order {
			rates[kind] = measure[kind]()
		}
		round := Round{Order: order, PlainPodsPerS: rates[kindPlain], GPUPodsPerS: rates[kindGPU],
			PluginOffPodsPerS: rates[kindPluginOff], ExtenderPodsPerS: rates[kindExtender]}
		res.Rounds = append(res.Rounds, round)
		t.Logf("round %d (%v): plain=%.0f/s gpu=%.0f/s plugin off=%.0f/s extender=%.0f/s", r+1, order,
			round.PlainPodsPerS, round.GPUPodsPerS, round.PluginOffPodsPerS, round.ExtenderPodsPerS)
	}
	res.PlainPodsPerS = medianOf(res.Rounds, func(r Round) float64 { return r.PlainPodsPerS })
	res.GPUPodsPerS = medianOf(res.Rounds, func(r Round) float64 { return r.GPUPodsPerS })
	res.PluginOffPodsPerS = medianOf(res.Rounds, func(r Round) float64 { return r.PluginOffPodsPerS })
	res.ExtenderPodsPerS = medianOf(res.Rounds, func(r Round) float64 { return r.ExtenderPodsPerS })
	res.GPUToPlainRate = medianOf(res.Rounds, func(r Round) float64 { return r.GPUPodsPerS / r.PlainPodsPerS })
	res.GPUToPluginOffRate = medianOf(res.Rounds, func(r Round) float64 { return r.GPUPodsPerS / r.PluginOffPodsPerS })
	res.ExtenderToPlainRate = medianOf(res.Rounds, func(r Round) float64 { return r.ExtenderPodsPerS / r.PlainPodsPerS })
	logExtenderTimes(ctx, t, hami)
	t.Logf("THROUGHPUT nodes=%d pods=%d rounds=%d medians: plain=%.0f/s gpu(plugin)=%.0f/s ratio=%.2f; plugin off=%.0f/s, gpu/off=%.2f; extender=%.0f/s, extender/plain=%.2f; CPU during the GPU phase (cores): %v",
		nodes, pods, rounds, res.PlainPodsPerS, res.GPUPodsPerS, res.GPUToPlainRate, res.PluginOffPodsPerS, res.GPUToPluginOffRate,
		res.ExtenderPodsPerS, res.ExtenderToPlainRate, res.CPU)
	body, err := json.MarshalIndent(res, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(out, body, 0o644))
}

// withoutPlugin is cfg with the HAMi plugin switched off in every profile:
// NodeResourcesFit still ignores the vendor groups, and DefaultBinder binds.
func withoutPlugin(cfg *schedv1.KubeSchedulerConfiguration) *schedv1.KubeSchedulerConfiguration {
	out := cfg.DeepCopy()
	for i := range out.Profiles {
		if out.Profiles[i].Plugins != nil {
			out.Profiles[i].Plugins = &schedv1.Plugins{}
		}
	}
	return out
}

// pluginRun starts hami-scheduler's plugin front end, connected to the NATS
// server of the hami-scheduler that runs throughout.
type pluginRun struct {
	c       *harness.Cluster
	bin     string
	natsURL string
	starts  int
}

func (r *pluginRun) start(ctx context.Context, t *testing.T, cfg *schedv1.KubeSchedulerConfiguration) func() *proc.Process {
	return func() *proc.Process {
		t.Helper()
		r.starts++
		p, err := r.c.StartSchedulerBinary(ctx, fmt.Sprintf("hami-scheduler-plugin-%d", r.starts), r.bin, cfg,
			"--hami-addr=127.0.0.1:"+strconv.Itoa(freePort(t)), "--nats-url="+r.natsURL, "--hami-log-format=console")
		require.NoError(t, err)
		return p
	}
}

// medianOf is the median of a figure over the rounds (at least one).
func medianOf(rounds []Round, figure func(Round) float64) float64 {
	s := make([]float64, len(rounds))
	for i, r := range rounds {
		s[i] = figure(r)
	}
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
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

// measureBacklog creates n pods while no scheduler runs, then starts one
// and returns the rate it binds them at: n-1 over the time from the first
// pod bound to the last. Creating the pods first keeps the client that
// creates them out of the figure; stopping the scheduler and deleting the
// pods afterwards leaves the next measurement the same start. cpu, when
// not nil, measures the processes' CPU from the start to the last bind.
func measureBacklog(ctx context.Context, t *testing.T, c *harness.Cluster, start func() *proc.Process, ns string, n int, newPod func(ns, name string) *corev1.Pod, cpu *cpuMeter) float64 {
	t.Helper()
	client := protobufClient(t, c)
	list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	pods := make([]*corev1.Pod, n)
	for i := range pods {
		pods[i] = newPod(ns, fmt.Sprintf("pod-%04d", i))
	}
	require.NoError(t, createPods(ctx, client, pods))
	cpu.begin()
	sched := start()
	cpu.watch(sched)
	first, last, err := bindSpan(ctx, client, ns, list.ResourceVersion, n)
	require.NoError(t, err)
	cpu.end()
	require.NoError(t, sched.Stop(10*time.Second))
	clearNamespace(ctx, t, client, ns)
	return float64(n-1) / last.Sub(first).Seconds()
}

// protobufClient talks protobuf to the API server, as kube-scheduler and
// the kubelet do: the benchmark's own watch of the pods costs the API
// server less than in JSON.
func protobufClient(t *testing.T, c *harness.Cluster) kubernetes.Interface {
	t.Helper()
	cfg := c.RESTConfig()
	kubeclient.UseProtobuf(cfg)
	client, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	return client
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
