package limiter_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/vendors/nvidia/internal/limiter"
)

func TestInstallUpgradeKeepsOldVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	to := filepath.Join(dir, "vgpu")
	_, err := limiter.Current(to)
	require.ErrorIs(t, err, limiter.ErrNotInstalled)
	src := filepath.Join(dir, "lib.so")
	require.NoError(t, os.WriteFile(src, []byte("v1"), 0o644))
	v1, err := limiter.Install(src, to, "1.0.0")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(src, []byte("v2"), 0o644))
	v2, err := limiter.Install(src, to, "2.0.0")
	require.NoError(t, err)
	cur, err := limiter.Current(to)
	require.NoError(t, err)
	require.Equal(t, v2, cur)
	old, err := os.ReadFile(v1.Library)
	require.NoError(t, err)
	require.Equal(t, "v1", string(old), "a running container's path still holds its version")
	preload, err := os.ReadFile(cur.Preload)
	require.NoError(t, err)
	require.Equal(t, limiter.ContainerLibrary+"\n", string(preload))
	_, err = limiter.Install(src, to, "../x")
	require.Error(t, err)
}
