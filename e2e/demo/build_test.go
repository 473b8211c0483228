package demo_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is two folders above this package.
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// buildBinaries builds the demo's binaries from this checkout into dir.
func buildBinaries(t testing.TB, dir string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", dir+"/",
		"./scheduler/cmd/hami-scheduler", "./scheduler/cmd/kubectl-hami", "./webhook/cmd/hami-webhook",
		"./vendors/nvidia/cmd/hami-nvidia-plugin", "./vendors/cambricon/cmd/hami-cambricon-plugin",
		"./vendors/hygon/cmd/hami-hygon-plugin")
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build the demo's binaries:\n%s", out)
}

// buildLimiter builds hami-core's libvgpu.so from this checkout.
func buildLimiter(t testing.TB) string {
	t.Helper()
	cmd := exec.Command("make", "-C", "hami-core")
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build libvgpu.so:\n%s", out)
	return filepath.Join(repoRoot(t), "hami-core", "build", "libvgpu.so")
}
