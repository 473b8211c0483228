package demo_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hami-project/hami/e2e/demo"
	"github.com/hami-project/hami/e2e/harness/image"
)

const isolationImage = "hami.local/isolation:e2e"

// isolationResult is what the program in testdata/isolation.c prints.
type isolationResult struct {
	Error              string  `json:"error"`
	TotalMiB           int64   `json:"totalMiB"`
	MemGetInfoTotalMiB int64   `json:"memGetInfoTotalMiB"`
	AllocHalf          int     `json:"allocHalf"`
	AllocPast          int     `json:"allocPast"`
	UID                int64   `json:"uid"`
	GID                int64   `json:"gid"`
	ChildMiB           int64   `json:"childMiB"`
	FreeBeforeChildMiB int64   `json:"freeBeforeChildMiB"`
	FreeWithChildMiB   int64   `json:"freeWithChildMiB"`
	ChildSawFreeMiB    int64   `json:"childSawFreeMiB"`
	ChildExit          int     `json:"childExit"`
	RegionUID          int64   `json:"regionUid"`
	RegionMode         int64   `json:"regionMode"`
	Launches           int64   `json:"launches"`
	WindowS            float64 `json:"windowS"`
	BusyS              float64 `json:"busyS"`
	SharePct           float64 `json:"sharePct"`
}

// nonRootUID is the user the memory pod runs as: the region directory and
// file must work for a container that is not root.
const nonRootUID = 1000

// checkIsolation runs two pods on the real node, through webhook, scheduler
// and the NVIDIA plugin. Their image holds a program that finds the CUDA
// driver as an application does, and hami-core's mock driver of an 80 GiB
// GPU; libvgpu.so, /etc/ld.so.preload and the limits come only from what
// the plugin handed the container. The memory pod asks for 3000 MiB and
// runs as uid 1000 with two processes; the compute pod asks for 30% and
// tries to switch its limit off with GPU_CORE_UTILIZATION_POLICY=disable.
func checkIsolation(ctx context.Context, t *testing.T, r *demo.Result) {
	if r.RealNode == nil {
		t.Skip("no real kubelet node on this machine")
	}
	tar := buildIsolationImage(ctx, t)
	require.NoError(t, r.RealNode.ImportImage(ctx, tar))

	// One pod after the other: the kubelet's Allocate does not name the pod,
	// and the plugin can tell two pods bound at once with the same device
	// count apart only by order (seen: the 3000 MiB pod got the other's
	// 1000 MiB limits when both were created together).
	t.Run("memory as a non-root user", func(t *testing.T) {
		logs := runPod(ctx, t, r, isolationPod(r.RealNode.Name))
		got := parseIsolation(t, logs)
		require.Empty(t, got.Error)
		require.Equal(t, int64(3000), got.TotalMiB, "cuDeviceTotalMem reports the pod's gpumem, not the 80 GiB device")
		require.Equal(t, int64(3000), got.MemGetInfoTotalMiB, "cuMemGetInfo reports the quota")
		require.Equal(t, 0, got.AllocHalf, "an allocation within the quota succeeds")
		require.Equal(t, 2, got.AllocPast, "an allocation past the quota is CUDA_ERROR_OUT_OF_MEMORY")

		require.Equal(t, int64(nonRootUID), got.UID, "the program runs as the pod's user")
		require.Equal(t, int64(nonRootUID), got.GID)
		require.Equal(t, int64(nonRootUID), got.RegionUID, "the region file was created by the non-root user, in the plugin's directory")
		require.Equal(t, int64(0o666), got.RegionMode, "any user of the container can open the region")
		require.Equal(t, 0, got.ChildExit, "the second process allocated and exited cleanly")
		require.Equal(t, got.FreeBeforeChildMiB-got.ChildMiB, got.FreeWithChildMiB,
			"the parent sees the second process's allocation: one region for both")
		require.Equal(t, got.FreeWithChildMiB, got.ChildSawFreeMiB, "the second process sees the parent's allocation")
		require.NotContains(t, logs, "HAMI-core ERROR", "no accounting fallback or other error; logs: %s", logs)
		t.Logf("uid %d: free %d MiB, %d MiB with the second process's %d MiB (it saw %d MiB); region uid %d mode %o",
			got.UID, got.FreeBeforeChildMiB, got.FreeWithChildMiB, got.ChildMiB, got.ChildSawFreeMiB, got.RegionUID, got.RegionMode)
	})
	t.Run("compute limit the pod cannot switch off", func(t *testing.T) {
		logs := runPod(ctx, t, r, computePod(r.RealNode.Name))
		got := parseIsolation(t, logs)
		require.Empty(t, got.Error)
		require.Contains(t, logs, "GPU_CORE_UTILIZATION_POLICY=disable would loosen the operator's policy; ignored")
		require.Contains(t, logs, "device 0: compute limit 30% on")
		require.Greater(t, got.Launches, int64(0))
		require.InDelta(t, 32.5, got.SharePct, 12.5, "a 30%% pod that asked for disable runs limited (20-45%%); logs: %s", logs)
		t.Logf("disable asked, 30%% limit: %.1f%% of the simulated device (%.3f s busy over %.3f s, %d launches)",
			got.SharePct, got.BusyS, got.WindowS, got.Launches)
	})
}

// runPod creates the pod, waits for it to finish and returns its logs.
func runPod(ctx context.Context, t *testing.T, r *demo.Result, pod *corev1.Pod) string {
	client := r.Cluster.Client()
	_, err := client.CoreV1().Pods(demo.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	require.NoError(t, err)
	name := pod.Name
	var logs string
	err = wait.PollUntilContextTimeout(ctx, time.Second, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		p, err := client.CoreV1().Pods(demo.Namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil || p.Status.Phase == corev1.PodPending || p.Status.Phase == corev1.PodRunning {
			return false, nil
		}
		raw, err := client.CoreV1().Pods(demo.Namespace).GetLogs(name, &corev1.PodLogOptions{}).DoRaw(ctx)
		logs = string(raw)
		return true, err
	})
	require.NoError(t, err, "pod %s finished; logs: %s", name, logs)
	return logs
}

func isolationPod(node string) *corev1.Pod {
	uid := int64(nonRootUID)
	yes := true
	p := limitedPod("isolation", node, "3000",
		// The mock driver's device is an 80 GiB H100, like the fake
		// node's real GPUs.
		corev1.EnvVar{Name: "MOCK_CUDA_TOTAL_MEM", Value: "80g"})
	p.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsUser: &uid, RunAsGroup: &uid, RunAsNonRoot: &yes}
	return p
}

// computePod runs the program's compute mode on the mock's simulated GPU
// (a device timeline in an emptyDir, 2 ms kernels that take real time),
// with the tenant's attempt to opt out of the compute limit. The node's
// policy is the plugin's default, `default`; the image has no NVML, so
// libvgpu cannot tell the device is otherwise idle and keeps the limit on:
// what is checked is that disable did not switch it off.
func computePod(node string) *corev1.Pod {
	p := limitedPod("isolation-compute", node, "1000",
		corev1.EnvVar{Name: "MOCK_GPU_SIM_DIR", Value: "/sim"},
		corev1.EnvVar{Name: "MOCK_KERNEL_NS", Value: "2000000"},
		corev1.EnvVar{Name: "GPU_CORE_UTILIZATION_POLICY", Value: "disable"},
		corev1.EnvVar{Name: "LIBCUDA_LOG_LEVEL", Value: "3"})
	c := &p.Spec.Containers[0]
	c.Args = []string{"compute"}
	c.VolumeMounts = []corev1.VolumeMount{{Name: "sim", MountPath: "/sim"}}
	p.Spec.Volumes = []corev1.Volume{{Name: "sim", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	return p
}

// limitedPod asks for one GPU with gpumem MiB and 30% of its compute.
func limitedPod(name, node, gpumem string, env ...corev1.EnvVar) *corev1.Pod {
	q := resource.MustParse
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: demo.Namespace},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever, HostNetwork: true,
			NodeSelector: map[string]string{"kubernetes.io/hostname": node},
			Containers: []corev1.Container{{
				Name: "cuda", Image: isolationImage, ImagePullPolicy: corev1.PullNever, Env: env,
				Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
					"nvidia.com/gpu": q("1"), "nvidia.com/gpumem": q(gpumem), "nvidia.com/gpucores": q("30"),
				}},
			}},
		},
	}
}

func parseIsolation(t *testing.T, logs string) isolationResult {
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "ISOLATION "); ok {
			var r isolationResult
			require.NoError(t, json.Unmarshal([]byte(rest), &r))
			return r
		}
	}
	t.Fatalf("no ISOLATION line in the pod's logs:\n%s", logs)
	return isolationResult{}
}

// buildIsolationImage compiles the program, takes hami-core's mock driver,
// and adds the C library files the three need.
func buildIsolationImage(ctx context.Context, t *testing.T) string {
	dir := t.TempDir()
	root := repoRoot(t)
	prog := filepath.Join(dir, "isolation")
	run(ctx, t, root, "gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", prog, "e2e/demo/testdata/isolation.c", "-ldl")
	run(ctx, t, root, "make", "-C", "hami-core", "mocks")
	mock := filepath.Join(root, "hami-core", "build", "test", "libcuda.so.1")
	limiter := filepath.Join(root, "hami-core", "build", "libvgpu.so")

	files := []image.File{fileOf(t, prog, "isolation"), fileOf(t, mock, "usr/lib/x86_64-linux-gnu/libcuda.so.1")}
	for _, lib := range sharedLibs(ctx, t, prog, mock, limiter) {
		files = append(files, fileOf(t, lib, strings.TrimPrefix(lib, "/")))
	}
	tar := filepath.Join(dir, "isolation.tar")
	require.NoError(t, image.WriteDockerArchiveFile(tar, image.Image{
		Ref: isolationImage, Entrypoint: []string{"/isolation"},
		Env:   []string{"PATH=/", "LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu"},
		Files: files,
	}))
	return tar
}

// sharedLibs lists the absolute paths ldd resolves for the binaries.
func sharedLibs(ctx context.Context, t *testing.T, bins ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range bins {
		text := run(ctx, t, "", "ldd", b)
		for _, f := range strings.Fields(text) {
			if strings.HasPrefix(f, "/") && !seen[f] && f != b {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

func fileOf(t *testing.T, path, inImage string) image.File {
	real, err := filepath.EvalSymlinks(path)
	require.NoError(t, err)
	data, err := os.ReadFile(real)
	require.NoError(t, err)
	return image.File{Path: inImage, Mode: 0o755, Data: data}
}

func run(ctx context.Context, t *testing.T, dir, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", name, args, out)
	return string(out)
}
