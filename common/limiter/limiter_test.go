package limiter_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/limiter"
)

func TestInstallUpgradeKeepsOldVersion(t *testing.T) {
	t.Parallel()
	lib := limiter.Library{Name: "libvgpu.so", ContainerDir: "/usr/local/vgpu"}
	dir := t.TempDir()
	to := filepath.Join(dir, "vgpu")
	_, err := lib.Current(to)
	require.ErrorIs(t, err, limiter.ErrNotInstalled)
	src := filepath.Join(dir, "lib.so")
	require.NoError(t, os.WriteFile(src, []byte("v1"), 0o644))
	v1, err := lib.Install(src, to, "1.0.0")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(src, []byte("v2"), 0o644))
	v2, err := lib.Install(src, to, "2.0.0")
	require.NoError(t, err)
	cur, err := lib.Current(to)
	require.NoError(t, err)
	require.Equal(t, v2, cur)
	old, err := os.ReadFile(v1.Library)
	require.NoError(t, err)
	require.Equal(t, "v1", string(old), "a running container's path still holds its version")
	preload, err := os.ReadFile(cur.Preload)
	require.NoError(t, err)
	require.Equal(t, lib.ContainerPath()+"\n", string(preload))
	_, err = lib.Install(src, to, "../x")
	require.Error(t, err)
}
