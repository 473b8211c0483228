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
	Error              string `json:"error"`
	TotalMiB           int64  `json:"totalMiB"`
	MemGetInfoTotalMiB int64  `json:"memGetInfoTotalMiB"`
	AllocHalf          int    `json:"allocHalf"`
	AllocPast          int    `json:"allocPast"`
}

// checkIsolation runs a pod asking for 3000 MiB on the real node, through
// webhook, scheduler and the NVIDIA plugin. Its image holds a program that
// finds the CUDA driver as an application does, and hami-core's mock
// driver of an 80 GiB GPU; libvgpu.so, /etc/ld.so.preload and the limits
// come only from what the plugin handed the container.
func checkIsolation(ctx context.Context, t *testing.T, r *demo.Result) {
	if r.RealNode == nil {
		t.Skip("no real kubelet node on this machine")
	}
	tar := buildIsolationImage(ctx, t)
	require.NoError(t, r.RealNode.ImportImage(ctx, tar))

	pod := isolationPod(r.RealNode.Name)
	client := r.Cluster.Client()
	_, err := client.CoreV1().Pods(demo.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	require.NoError(t, err)
	var logs string
	err = wait.PollUntilContextTimeout(ctx, time.Second, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		p, err := client.CoreV1().Pods(demo.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil || p.Status.Phase == corev1.PodPending || p.Status.Phase == corev1.PodRunning {
			return false, nil
		}
		raw, err := client.CoreV1().Pods(demo.Namespace).GetLogs(pod.Name, &corev1.PodLogOptions{}).DoRaw(ctx)
		logs = string(raw)
		return true, err
	})
	require.NoError(t, err, "the isolation pod finished; logs: %s", logs)

	got := parseIsolation(t, logs)
	require.Empty(t, got.Error)
	require.Equal(t, int64(3000), got.TotalMiB, "cuDeviceTotalMem reports the pod's gpumem, not the 80 GiB device")
	require.Equal(t, int64(3000), got.MemGetInfoTotalMiB, "cuMemGetInfo reports the quota")
	require.Equal(t, 0, got.AllocHalf, "an allocation within the quota succeeds")
	require.Equal(t, 2, got.AllocPast, "an allocation past the quota is CUDA_ERROR_OUT_OF_MEMORY")
}

func isolationPod(node string) *corev1.Pod {
	q := resource.MustParse
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "isolation", Namespace: demo.Namespace},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever, HostNetwork: true,
			NodeSelector: map[string]string{"kubernetes.io/hostname": node},
			Containers: []corev1.Container{{
				Name: "cuda", Image: isolationImage, ImagePullPolicy: corev1.PullNever,
				// The mock driver's device is an 80 GiB H100, like the fake
				// node's real GPUs.
				Env: []corev1.EnvVar{{Name: "MOCK_CUDA_TOTAL_MEM", Value: "80g"}},
				Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
					"nvidia.com/gpu": q("1"), "nvidia.com/gpumem": q("3000"), "nvidia.com/gpucores": q("30"),
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
