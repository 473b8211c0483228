package harness_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/simnode"
	"github.com/hami-project/hami/e2e/testplugin"
)

// readyBudget is the acceptance bound for control plane + real node + 50
// simulated nodes with warm caches.
const readyBudget = 60 * time.Second

// schedulerYAML adds a second profile, as the HAMi scheduler will.
const schedulerYAML = `
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
- schedulerName: hami-test-scheduler
`

// TestHarnessCluster starts the whole harness once (one real node per
// machine) and checks each part against what a user would see.
func TestHarnessCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	start := time.Now()
	c := harness.StartForTest(t, harness.Options{})
	schedCfg, err := harness.ParseSchedulerConfig([]byte(schedulerYAML))
	require.NoError(t, err)
	_, err = c.StartScheduler(ctx, schedCfg)
	require.NoError(t, err)
	var node *harness.Node
	if reason := harness.CheckNodePrerequisites(); reason == nil {
		node, err = c.StartNode(ctx, harness.NodeOptions{})
		require.NoError(t, err, "start real node")
	} else {
		t.Logf("no real node: %v", reason)
	}
	fleet, err := c.StartSimNodes(ctx, simnode.Options{Count: 50})
	require.NoError(t, err)
	ready := time.Since(start)
	t.Logf("control plane + real node + 50 simulated nodes ready in %s", ready.Round(time.Millisecond))
	require.Less(t, ready, readyBudget)

	t.Run("RealNodeRunsProbe", func(t *testing.T) { testRealNodeRunsProbe(ctx, t, c, node) })
	t.Run("SimulatedNodesRegistered", func(t *testing.T) { testSimulatedNodesRegistered(ctx, t, c, fleet) })
	t.Run("DevicePluginOnSimulatedNode", func(t *testing.T) { testDevicePluginOnSimulatedNode(ctx, t, c, fleet) })
	t.Run("DevicePluginAllocateFails", func(t *testing.T) { testDevicePluginAllocateFails(ctx, t, c, fleet) })
	t.Run("DevicePluginOnRealNode", func(t *testing.T) { testDevicePluginOnRealNode(ctx, t, c, node) })
}

func requireRealNode(t *testing.T, node *harness.Node) {
	t.Helper()
	if node == nil {
		t.Skipf("skipping: %v", harness.CheckNodePrerequisites())
	}
}

func onNode(pod *corev1.Pod, name string) *corev1.Pod {
	pod.Spec.NodeSelector = map[string]string{corev1.LabelHostname: name}
	return pod
}

func simulatedPod(name, resourceName string, count int64) *corev1.Pod {
	pod := harness.ProbePod("default", name)
	pod.Spec.NodeSelector = map[string]string{"hami.io/simulated": "true"}
	if resourceName != "" {
		pod.Spec.Containers[0].Resources.Limits = corev1.ResourceList{
			corev1.ResourceName(resourceName): *resource.NewQuantity(count, resource.DecimalSI),
		}
	}
	return pod
}

func createPod(ctx context.Context, t *testing.T, c *harness.Cluster, pod *corev1.Pod) {
	t.Helper()
	_, err := c.Client().CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	require.NoError(t, err)
}

func testRealNodeRunsProbe(ctx context.Context, t *testing.T, c *harness.Cluster, node *harness.Node) {
	requireRealNode(t, node)
	pod := onNode(harness.ProbePod("default", "plain-probe"), node.Name)
	pod.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "HAMI_PROBE_MARK", Value: "plain"}}
	createPod(ctx, t, c, pod)

	done, err := harness.WaitPodPhase(ctx, c.Client(), "default", pod.Name, corev1.PodSucceeded, corev1.PodFailed)
	require.NoError(t, err)
	require.Equal(t, corev1.PodSucceeded, done.Status.Phase, done.Status.Message)
	require.Equal(t, node.Name, done.Spec.NodeName)

	report, err := harness.ReadProbe(ctx, c.Client(), "default", pod.Name)
	require.NoError(t, err, "logs through the apiserver and the kubelet")
	require.Equal(t, "plain", report.Env["HAMI_PROBE_MARK"])
	require.Contains(t, report.Env, "KUBERNETES_SERVICE_HOST", "kubelet injected service env")
	require.Contains(t, report.Mounts, "/var/run/secrets/kubernetes.io/serviceaccount tmpfs", "service account token mounted")
}

func testSimulatedNodesRegistered(ctx context.Context, t *testing.T, c *harness.Cluster, fleet *simnode.Fleet) {
	nodes, err := c.Client().CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "hami.io/simulated=true"})
	require.NoError(t, err)
	require.Len(t, nodes.Items, 50)
	for _, n := range nodes.Items {
		require.Empty(t, n.Spec.Taints, "node %s schedulable", n.Name)
		require.Equal(t, corev1.NodeReady, n.Status.Conditions[0].Type)
		require.Equal(t, corev1.ConditionTrue, n.Status.Conditions[0].Status)
	}
	leases, err := c.Client().CoordinationV1().Leases(corev1.NamespaceNodeLease).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(leases.Items), 50)

	pod := simulatedPod("plain-sim", "", 0)
	pod.Spec.SchedulerName = "hami-test-scheduler"
	createPod(ctx, t, c, pod)
	running, err := harness.WaitPodPhase(ctx, c.Client(), "default", pod.Name, corev1.PodRunning)
	require.NoError(t, err)
	require.Contains(t, fleet.Nodes(), running.Spec.NodeName)
}

func waitAllocatable(ctx context.Context, t *testing.T, c *harness.Cluster, node, resourceName string, want int64) {
	t.Helper()
	require.Eventually(t, func() bool {
		n, err := c.Client().CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		if err != nil {
			return false
		}
		q, ok := n.Status.Allocatable[corev1.ResourceName(resourceName)]
		return ok && q.Value() == want
	}, 30*time.Second, 100*time.Millisecond, "node %s allocatable %s = %d", node, resourceName, want)
}

func testDevicePluginOnSimulatedNode(ctx context.Context, t *testing.T, c *harness.Cluster, fleet *simnode.Fleet) {
	const res = "hami.io/test-device"
	target := fleet.Nodes()[7]
	dir, err := fleet.SocketDir(target)
	require.NoError(t, err)
	plugin, err := testplugin.Start(ctx, testplugin.Options{ResourceName: res, DeviceIDs: []string{"dev-a", "dev-b"}, Dir: dir})
	require.NoError(t, err)
	t.Cleanup(plugin.Stop)
	waitAllocatable(ctx, t, c, target, res, 2)

	pod := simulatedPod("device-sim", res, 1)
	createPod(ctx, t, c, pod)
	running, err := harness.WaitPodPhase(ctx, c.Client(), "default", pod.Name, corev1.PodRunning, corev1.PodFailed)
	require.NoError(t, err)
	require.Equal(t, corev1.PodRunning, running.Status.Phase, running.Status.Message)
	require.Equal(t, target, running.Spec.NodeName, "only this node has the resource")

	allocs := fleet.PodAllocations("default", pod.Name)
	require.Len(t, allocs, 1)
	require.Equal(t, res, allocs[0].Resource)
	require.Len(t, allocs[0].DeviceIDs, 1)
	require.Equal(t, allocs[0].DeviceIDs[0], allocs[0].Response.Envs[testplugin.DevicesEnv])

	plugin.SetHealthy("dev-b", false)
	waitAllocatable(ctx, t, c, target, res, 1)
}

func testDevicePluginAllocateFails(ctx context.Context, t *testing.T, c *harness.Cluster, fleet *simnode.Fleet) {
	const res = "hami.io/failing-device"
	target := fleet.Nodes()[8]
	dir, err := fleet.SocketDir(target)
	require.NoError(t, err)
	plugin, err := testplugin.Start(ctx, testplugin.Options{
		ResourceName: res, DeviceIDs: []string{"bad-0"}, Dir: dir, FailAllocate: "device bad-0 is on fire",
	})
	require.NoError(t, err)
	t.Cleanup(plugin.Stop)
	waitAllocatable(ctx, t, c, target, res, 1)

	pod := simulatedPod("device-fail", res, 1)
	createPod(ctx, t, c, pod)
	failed, err := harness.WaitPodPhase(ctx, c.Client(), "default", pod.Name, corev1.PodFailed, corev1.PodRunning)
	require.NoError(t, err)
	require.Equal(t, corev1.PodFailed, failed.Status.Phase)
	require.Equal(t, simnode.UnexpectedAdmissionError, failed.Status.Reason)
	require.Contains(t, failed.Status.Message, "device bad-0 is on fire")
}

func testDevicePluginOnRealNode(ctx context.Context, t *testing.T, c *harness.Cluster, node *harness.Node) {
	requireRealNode(t, node)
	const res = "hami.io/real-test-device"
	hostDir := filepath.Join(c.Dir(), "plugin-mount")
	require.NoError(t, os.MkdirAll(hostDir, 0o755))
	plugin, err := testplugin.Start(ctx, testplugin.Options{
		ResourceName: res,
		DeviceIDs:    []string{"real-0"},
		Dir:          node.DevicePluginDir(),
		Env:          map[string]string{"HAMI_TEST_MARK": "from-plugin"},
		Mounts:       []*pluginapi.Mount{{HostPath: hostDir, ContainerPath: "/hami-test", ReadOnly: true}},
		Devices:      []*pluginapi.DeviceSpec{{HostPath: "/dev/null", ContainerPath: "/dev/hami-test0", Permissions: "rw"}},
	})
	require.NoError(t, err)
	t.Cleanup(plugin.Stop)
	waitAllocatable(ctx, t, c, node.Name, res, 1)

	pod := onNode(harness.ProbePod("default", "device-real"), node.Name)
	pod.Spec.Containers[0].Resources.Limits = corev1.ResourceList{res: resource.MustParse("1")}
	createPod(ctx, t, c, pod)
	done, err := harness.WaitPodPhase(ctx, c.Client(), "default", pod.Name, corev1.PodSucceeded, corev1.PodFailed)
	require.NoError(t, err)
	require.Equal(t, corev1.PodSucceeded, done.Status.Phase, done.Status.Message)

	report, err := harness.ReadProbe(ctx, c.Client(), "default", pod.Name)
	require.NoError(t, err)
	require.Equal(t, "real-0", report.Env[testplugin.DevicesEnv])
	require.Equal(t, "from-plugin", report.Env["HAMI_TEST_MARK"])
	require.Contains(t, report.Devices, "/dev/hami-test0")
	require.Len(t, plugin.Requests(), 1)
	found := false
	for _, m := range report.Mounts {
		found = found || strings.HasPrefix(m, "/hami-test ")
	}
	require.True(t, found, "plugin mount visible: %v", report.Mounts)
}
