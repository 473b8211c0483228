package cambricon_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/e2e/harness"
)

// probeSpec is one probe pod: the card the "scheduler" chose and the
// share it asked for.
type probeSpec struct {
	name  string
	card  int
	mem   int64
	cores int32
	mode  string
}

// TestCambriconPluginOnRealKubelet runs the plugin (fake MLU370-X8) against
// the real kubelet. Two fractional pods admitted at once onto one card each
// get their own sMLU instance and see, from inside the container, exactly
// their card's device files, their instance node and
// CAMBRICON_VISIBLE_DEVICES. One pod is deleted while the plugin is down:
// the restarted plugin keeps the live pod's instance, destroys the other in
// the driver, and serves a whole-card pod.
func TestCambriconPluginOnRealKubelet(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	c := harness.StartForTest(t, harness.Options{})
	n := c.StartNodeForTest(t, harness.NodeOptions{})
	dir := t.TempDir()
	bin := harness.BuildVendorPlugin(t, vendor, dir)
	natsURL, kv := harness.StartInventoryNATS(ctx, t)
	l := layout{
		dir: dir, devRoot: filepath.Join(dir, "devroot"), state: filepath.Join(dir, "state"),
		kubeconfig: c.Kubeconfig(), natsURL: natsURL, node: n.Name, pluginDir: n.DevicePluginDir(),
	}

	plugin, err := c.StartComponent("hami-cambricon-plugin", bin, l.pluginArgs()...)
	require.NoError(t, err)
	inv := harness.WaitInventory(ctx, t, kv, vendor, n.Name)
	require.Len(t, inv.Devices, 8)
	slots := 0
	for _, d := range inv.Devices {
		slots += int(d.SplitCount)
		require.Equal(t, []string{"smlu", device.ModeExclusive}, d.Modes)
		require.EqualValues(t, 256, d.MemoryUnitMiB)
		require.EqualValues(t, 100, d.Cores)
		require.Len(t, d.Links, 3, "card %d: its MLU-Link group", d.Index)
		require.Greater(t, d.SplitCount, int32(1), "card %d is shared", d.Index)
	}
	c.WaitAllocatable(ctx, t, n.Name, "cambricon.com/mlunum", strconv.Itoa(slots))

	// Two fractional pods admitted at once onto card 3.
	a := probeSpec{name: "mlu-a", card: 3, mem: 10240, cores: 30, mode: "smlu"}
	b := probeSpec{name: "mlu-b", card: 3, mem: 4096, cores: 20, mode: "smlu"}
	runProbes(ctx, t, c, n.Name, inv, a, b)
	ra, rb := checkSMLU(ctx, t, c, l, a), checkSMLU(ctx, t, c, l, b)
	require.NotEqual(t, ra.Env["CAMBRICON_SMLU_INSTANCE"], rb.Env["CAMBRICON_SMLU_INSTANCE"])
	require.NotEqual(t, ra.Env["CAMBRICON_SMLU_DEVICE_NODE"], rb.Env["CAMBRICON_SMLU_DEVICE_NODE"], "two pods share one sMLU instance")
	live := l.fakeInstances(t)
	require.Len(t, live, 2, "the driver holds one instance per pod")
	require.ElementsMatch(t, [][2]int{{30, 10240}, {20, 4096}},
		[][2]int{{live[0].CorePercent, live[0].MemoryMiB}, {live[1].CorePercent, live[1].MemoryMiB}})

	// The plugin goes down; mlu-b goes meanwhile; the plugin comes back.
	require.NoError(t, plugin.Stop(5*time.Second))
	deletePod(ctx, t, c, b.name)
	restarted, err := c.StartComponent("hami-cambricon-plugin-restarted", bin, l.pluginArgs()...)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		log, _ := os.ReadFile(restarted.LogPath())
		return strings.Contains(string(log), "registered with kubelet")
	}, 60*time.Second, 100*time.Millisecond, "the restarted plugin did not register")
	require.Eventually(t, func() bool { return len(l.fakeInstances(t)) == 1 }, 30*time.Second, 200*time.Millisecond,
		"the instance of the deleted pod was not destroyed: %+v", l.fakeInstances(t))
	left := l.fakeInstances(t)[0]
	require.Equal(t, ra.Env["CAMBRICON_SMLU_INSTANCE"], left.UUID, "the live pod's instance was kept")
	require.FileExists(t, filepath.Join(l.devRoot, ra.Env["CAMBRICON_SMLU_DEVICE_NODE"]))
	require.NoFileExists(t, filepath.Join(l.devRoot, rb.Env["CAMBRICON_SMLU_DEVICE_NODE"]))

	// The restarted plugin serves a whole card: no instance is made.
	c.WaitAllocatable(ctx, t, n.Name, "cambricon.com/mlunum", strconv.Itoa(slots))
	whole := probeSpec{name: "mlu-whole", card: 5, cores: 100, mode: device.ModeExclusive}
	runProbes(ctx, t, c, n.Name, inv, whole)
	r := readProbe(ctx, t, c, whole.name)
	require.Equal(t, "5", r.Env["CAMBRICON_VISIBLE_DEVICES"])
	require.Equal(t, []string{"/dev/cambricon_dev5", "/dev/cambricon_ipcm5"}, mluDevices(r))
	require.Len(t, l.fakeInstances(t), 1, "a whole card needs no sMLU instance")
}

// checkSMLU checks what a fractional pod's container sees: its card's
// device files and its instance node, nothing of other cards or pods.
func checkSMLU(ctx context.Context, t *testing.T, c *harness.Cluster, l layout, p probeSpec) *harness.ProbeReport {
	t.Helper()
	r := readProbe(ctx, t, c, p.name)
	card := strconv.Itoa(p.card)
	require.Equal(t, card, r.Env["CAMBRICON_VISIBLE_DEVICES"], "pod %s", p.name)
	node := r.Env["CAMBRICON_SMLU_DEVICE_NODE"]
	require.True(t, strings.HasPrefix(node, "/dev/cambricon-caps/cap_dev"+card+"_mi"), "pod %s: instance node %q", p.name, node)
	require.Equal(t, strconv.Itoa(int(p.cores)), r.Env["CAMBRICON_SMLU_CORES"])
	require.Equal(t, strconv.FormatInt(p.mem, 10), r.Env["CAMBRICON_SMLU_MEMORY_MIB"])
	require.Equal(t, []string{node, "/dev/cambricon_dev" + card, "/dev/cambricon_ipcm" + card}, mluDevices(r), "pod %s", p.name)
	require.FileExists(t, filepath.Join(l.devRoot, node), "the driver made the instance node")
	return r
}

// mluDevices are the Cambricon device files the container sees, sorted.
func mluDevices(r *harness.ProbeReport) []string {
	var out []string
	for _, d := range r.Devices {
		if strings.Contains(d, "cambricon") {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// runProbes creates the probe pods together and waits until each runs
// with its devices allocated.
func runProbes(ctx context.Context, t *testing.T, c *harness.Cluster, node string, inv *device.NodeInventory, pods ...probeSpec) {
	t.Helper()
	for _, p := range pods {
		_, err := c.Client().CoreV1().Pods("default").Create(ctx, allocatedProbe(t, node, inv, p), metav1.CreateOptions{})
		require.NoError(t, err)
	}
	for _, p := range pods {
		pod, err := harness.WaitPodPhase(ctx, c.Client(), "default", p.name, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed)
		require.NoError(t, err)
		require.Equal(t, corev1.PodRunning, pod.Status.Phase, "pod %s: %s", p.name, pod.Status.Message)
		require.Equal(t, string(allocation.PhaseSuccess), pod.Annotations[allocation.AnnotationBindPhase])
	}
}

// readProbe waits for the probe's report in its logs.
func readProbe(ctx context.Context, t *testing.T, c *harness.Cluster, name string) *harness.ProbeReport {
	t.Helper()
	var r *harness.ProbeReport
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		var err error
		r, err = harness.ReadProbe(ctx, c.Client(), "default", name)
		return err == nil, nil
	})
	require.NoError(t, err, "no probe report from %s", name)
	return r
}

// allocatedProbe is a probe pod bound to node with the allocation a
// scheduler would have written (there is no webhook or scheduler here),
// asking with the names users write. It stays up, so its pod stays live.
func allocatedProbe(t *testing.T, node string, inv *device.NodeInventory, p probeSpec) *corev1.Pod {
	t.Helper()
	a := allocation.New(node)
	d := inv.Devices[p.card]
	a.Containers = []allocation.Container{{Name: "probe", Devices: []allocation.Device{
		{Vendor: vendor, ID: d.ID, Index: d.Index, MemoryMiB: p.mem, Cores: p.cores, Mode: p.mode},
	}}}
	value, err := a.Encode()
	require.NoError(t, err)
	pod := harness.ProbePod("default", p.name)
	pod.Spec.NodeName = node
	pod.Spec.Containers[0].Args = []string{"-sleep", "10m"}
	pod.Annotations = map[string]string{
		allocation.Annotation:          value,
		allocation.AnnotationBindPhase: string(allocation.PhaseAllocating),
		allocation.AnnotationBindTime:  allocation.FormatTime(time.Now()),
	}
	limits := corev1.ResourceList{"cambricon.com/mlunum": resource.MustParse("1")}
	if p.mem > 0 {
		limits["cambricon.com/mlumem"] = *resource.NewQuantity(p.mem, resource.DecimalSI)
	}
	if p.cores > 0 && p.cores < 100 {
		limits["cambricon.com/mlu.smlu.vcore"] = *resource.NewQuantity(int64(p.cores), resource.DecimalSI)
	}
	pod.Spec.Containers[0].Resources.Limits = limits
	return pod
}

// deletePod deletes a pod at once and waits until it is gone.
func deletePod(ctx context.Context, t *testing.T, c *harness.Cluster, name string) {
	t.Helper()
	pods := c.Client().CoreV1().Pods("default")
	require.NoError(t, pods.Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To(int64(0))}))
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := pods.Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	require.NoError(t, err, "pod %s was not deleted", name)
}
