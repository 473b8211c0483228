package nvidia_test

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

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/limiter"
	"github.com/hami-project/hami/e2e/harness"
)

// limits of one probe pod and the GPU the "scheduler" chose for it.
type probeSpec struct {
	name  string
	gpu   int
	mem   int64
	cores int32
	// env is the pod's own environment (a tenant's settings).
	env map[string]string
}

// TestNVIDIAPluginOnRealKubelet runs the plugin (fake dgxh100) against the
// real kubelet and admits two pods at once, each with its own allocation;
// each probe must see exactly its own GPU and limits and the limiter mounts,
// its limits file read-only with the operator's policy whatever the pod
// asks. The plugin then restarts and must serve the next pod, and the
// region and limits directories of the ended pods are removed.
func TestNVIDIAPluginOnRealKubelet(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := harness.StartForTest(t, harness.Options{})
	n := c.StartNodeForTest(t, harness.NodeOptions{})
	dir := t.TempDir()
	bin := harness.BuildVendorPlugin(t, "nvidia", dir)
	natsURL, kv := harness.StartInventoryNATS(ctx, t)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	writeKubeconfig(t, c, kubeconfig)

	// What an init container does: install the limiter (a stand-in file;
	// the probe is static, so nothing loads it).
	lib := filepath.Join(dir, "libvgpu.so")
	require.NoError(t, os.WriteFile(lib, []byte("stand-in for libvgpu.so\n"), 0o644))
	_, err := c.StartComponent("install-limiter", bin, "install-limiter", "--from", lib, "--to", filepath.Join(dir, "vgpu"), "--version", "9.9.9")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := os.Readlink(filepath.Join(dir, "vgpu", "current"))
		return err == nil
	}, 30*time.Second, 100*time.Millisecond)

	args := append(pluginArgs(n.Name, n.DevicePluginDir(), dir, kubeconfig, natsURL), "--reconcile", "2s")
	plugin, err := c.StartComponent("hami-nvidia-plugin", bin, args...)
	require.NoError(t, err)
	inv := harness.WaitInventory(ctx, t, kv, "nvidia", n.Name)
	require.Len(t, inv.Devices, 8)
	c.WaitAllocatable(ctx, t, n.Name, "nvidia.com/gpu", "80")

	// Two pods admitted at once, each must get its own allocation.
	runProbes(ctx, t, c, n.Name, inv, dir,
		probeSpec{name: "probe-a", gpu: 2, mem: 3000, cores: 30},
		probeSpec{name: "probe-b", gpu: 5, mem: 5000, cores: 50, env: map[string]string{"GPU_CORE_UTILIZATION_POLICY": "disable"}})

	// The plugin restarts (an upgrade): it registers again and serves.
	require.NoError(t, plugin.Stop(5*time.Second))
	restarted, err := c.StartComponent("hami-nvidia-plugin-restarted", bin, args...)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		log, _ := os.ReadFile(restarted.LogPath())
		return strings.Contains(string(log), "registered with kubelet")
	}, 60*time.Second, 100*time.Millisecond, "the restarted plugin did not register")
	c.WaitAllocatable(ctx, t, n.Name, "nvidia.com/gpu", "80")
	runProbes(ctx, t, c, n.Name, inv, dir, probeSpec{name: "probe-c", gpu: 7, mem: 7000, cores: 70})

	// The probes have ended: the kit removes their container directories.
	for _, root := range []string{"regions", "limits"} {
		require.Eventually(t, func() bool {
			entries, err := os.ReadDir(filepath.Join(dir, root))
			return err == nil && len(entries) == 0
		}, 60*time.Second, 200*time.Millisecond, "%s of ended pods were not removed", root)
	}
}

// runProbes creates the probe pods together and checks what each was given.
func runProbes(ctx context.Context, t *testing.T, c *harness.Cluster, node string, inv *device.NodeInventory, dir string, pods ...probeSpec) {
	t.Helper()
	for _, p := range pods {
		_, err := c.Client().CoreV1().Pods("default").Create(ctx, allocatedProbe(t, node, inv, p), metav1.CreateOptions{})
		require.NoError(t, err)
	}
	for _, p := range pods {
		pod, err := harness.WaitPodPhase(ctx, c.Client(), "default", p.name, corev1.PodSucceeded, corev1.PodFailed)
		require.NoError(t, err)
		require.Equal(t, corev1.PodSucceeded, pod.Status.Phase, "pod %s: %s", p.name, pod.Status.Message)
		require.Equal(t, string(allocation.PhaseSuccess), pod.Annotations[allocation.AnnotationBindPhase])
		report, err := harness.ReadProbe(ctx, c.Client(), "default", p.name)
		require.NoError(t, err)
		env := report.Env
		require.Equal(t, inv.Devices[p.gpu].ID, env["NVIDIA_VISIBLE_DEVICES"], "pod %s got another pod's GPU", p.name)
		require.Equal(t, itoa(int(p.mem))+"m", env["CUDA_DEVICE_MEMORY_LIMIT_0"])
		require.Equal(t, itoa(int(p.cores)), env["CUDA_DEVICE_SM_LIMIT"])
		require.Equal(t, "/var/lib/hami/region/region.cache", env["CUDA_DEVICE_MEMORY_SHARED_CACHE"])
		require.Equal(t, p.env["GPU_CORE_UTILIZATION_POLICY"], env["GPU_CORE_UTILIZATION_POLICY"], "the pod's own setting reaches libvgpu")
		mounts := strings.Join(report.Mounts, "\n")
		for _, m := range []string{"/usr/local/vgpu/libvgpu.so", "/etc/ld.so.preload", "/var/lib/hami/region"} {
			require.Contains(t, mounts, m+" ", "pod %s lacks mount %s", p.name, m)
		}
		checkLimitsFile(t, report, p)
	}
}

// checkLimitsFile checks the limits file as the container read it: its
// limits, and the operator's policy even when the pod asks for disable.
func checkLimitsFile(t *testing.T, report *harness.ProbeReport, p probeSpec) {
	t.Helper()
	require.Contains(t, strings.Join(report.Mounts, "\n"), limiter.ContainerLimitsPath+" ", "pod %s lacks its limits file", p.name)
	require.NotContains(t, report.Writable, limiter.ContainerLimitsPath, "pod %s can write its limits", p.name)
	l, err := limiter.ParseLimits([]byte(report.Files[limiter.ContainerLimitsPath]))
	require.NoError(t, err, "pod %s: %q", p.name, report.Files[limiter.ContainerLimitsPath])
	want := limiter.Limits{Policy: limiter.PolicyDefault, Region: "/var/lib/hami/region/region.cache"}
	want.Memory[0], want.Core[0] = uint64(p.mem)<<20, int(p.cores)
	require.Equal(t, &want, l, "pod %s (its env: %v)", p.name, p.env)
}

// allocatedProbe is a probe pod bound to node with the allocation a
// scheduler would have written (there is no webhook or scheduler here).
func allocatedProbe(t *testing.T, node string, inv *device.NodeInventory, p probeSpec) *corev1.Pod {
	t.Helper()
	a := allocation.New(node)
	d := inv.Devices[p.gpu]
	a.Containers = []allocation.Container{{Name: "probe", Devices: []allocation.Device{
		{Vendor: "nvidia", ID: d.ID, Index: d.Index, MemoryMiB: p.mem, Cores: p.cores, Mode: device.ModeHAMiCore},
	}}}
	value, err := a.Encode()
	require.NoError(t, err)
	pod := harness.ProbePod("default", p.name)
	pod.Spec.NodeName = node
	pod.Annotations = map[string]string{
		allocation.Annotation:          value,
		allocation.AnnotationBindPhase: string(allocation.PhaseAllocating),
		allocation.AnnotationBindTime:  allocation.FormatTime(time.Now()),
	}
	pod.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "PROBE_FILES", Value: limiter.ContainerLimitsPath}}
	for k, v := range p.env {
		pod.Spec.Containers[0].Env = append(pod.Spec.Containers[0].Env, corev1.EnvVar{Name: k, Value: v})
	}
	pod.Spec.Containers[0].Resources.Limits = corev1.ResourceList{
		"nvidia.com/gpu":      resource.MustParse("1"),
		"nvidia.com/gpumem":   *resource.NewQuantity(p.mem, resource.DecimalSI),
		"nvidia.com/gpucores": *resource.NewQuantity(int64(p.cores), resource.DecimalSI),
	}
	return pod
}
