package harness_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"

	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/simnode"
)

// TestHarnessScale measures the time to HARNESS_SCALE simulated nodes Ready
// in this one process, the process's RSS and goroutines, and kube-scheduler
// placing HARNESS_SCALE_PODS (default 2 per node) plain pods on them. It is
// skipped unless HARNESS_SCALE is set, e.g. HARNESS_SCALE=1000.
func TestHarnessScale(t *testing.T) {
	count, _ := strconv.Atoi(os.Getenv("HARNESS_SCALE"))
	if count <= 0 {
		t.Skip("skipping: set HARNESS_SCALE=<nodes> (e.g. 1000) to run")
	}
	pods := 2 * count
	if v, err := strconv.Atoi(os.Getenv("HARNESS_SCALE_PODS")); err == nil {
		pods = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := harness.StartForTest(t, harness.Options{})
	rssBefore := rssMiB(t)

	start := time.Now()
	fleet, err := c.StartSimNodes(ctx, simnode.Options{Count: count})
	require.NoError(t, err)
	took := time.Since(start)
	require.Len(t, fleet.Nodes(), count)
	ready := countReadyNodes(ctx, t, c)
	require.Equal(t, count, ready)
	runtime.GC()
	t.Logf("SCALE nodes=%d ready_in=%s rss_before=%dMiB rss_after=%dMiB goroutines=%d",
		count, took.Round(time.Millisecond), rssBefore, rssMiB(t), runtime.NumGoroutine())

	if pods > 0 {
		_, err = c.StartScheduler(ctx, nil)
		require.NoError(t, err)
		rate := schedulePlainPods(ctx, t, c, pods)
		t.Logf("SCALE pods=%d scheduled_and_running_rate=%.0f/s rss=%dMiB", pods, rate, rssMiB(t))
	}
}

func countReadyNodes(ctx context.Context, t *testing.T, c *harness.Cluster) int {
	t.Helper()
	nodes, err := c.Client().CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "hami.io/simulated=true"})
	require.NoError(t, err)
	ready := 0
	for _, n := range nodes.Items {
		if len(n.Spec.Taints) == 0 && n.Status.Conditions[0].Type == corev1.NodeReady && n.Status.Conditions[0].Status == corev1.ConditionTrue {
			ready++
		}
	}
	return ready
}

// schedulePlainPods creates n pods and returns how many per second reached
// Running (scheduled by kube-scheduler, admitted by a simulated node).
func schedulePlainPods(ctx context.Context, t *testing.T, c *harness.Cluster, n int) float64 {
	t.Helper()
	start := time.Now()
	var wg sync.WaitGroup
	work := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				pod := harness.ProbePod("default", fmt.Sprintf("scale-%d", i))
				pod.Spec.NodeSelector = map[string]string{"hami.io/simulated": "true"}
				_, err := c.Client().CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{})
				if err != nil {
					t.Errorf("create pod: %v", err)
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	selector := fields.OneTermEqualSelector("status.phase", string(corev1.PodRunning)).String()
	require.Eventually(t, func() bool {
		list, err := c.Client().CoreV1().Pods("default").List(ctx, metav1.ListOptions{FieldSelector: selector, ResourceVersion: "0"})
		return err == nil && len(list.Items) == n
	}, 5*time.Minute, 500*time.Millisecond)
	return float64(n) / time.Since(start).Seconds()
}

// rssMiB reads this process's resident set size.
func rssMiB(t *testing.T) int {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			require.NoError(t, err)
			return kb / 1024
		}
	}
	t.Fatal("VmRSS not in /proc/self/status")
	return 0
}
