package settings_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/scheduler/internal/settings"
)

func TestLoadRefusesAnInvalidFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte("deviceSplitCount: 0\n"), 0o600))
	_, err := settings.Load(path)
	require.ErrorContains(t, err, "deviceSplitCount: Invalid value: 0")

	_, err = settings.Load(filepath.Join(t.TempDir(), "absent.yaml"))
	require.ErrorContains(t, err, "absent.yaml")
}

func TestReloadKeepsTheRunningConfigOnABadFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	write := func(doc string, age time.Duration) {
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
		mt := time.Now().Add(-age)
		require.NoError(t, os.Chtimes(path, mt, mt))
	}
	write("defaultCores: 10\n", 3*time.Second)
	s, err := settings.Load(path)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go s.Watch(ctx, 10*time.Millisecond)

	write("defaultCores: 20\n", 2*time.Second)
	require.Eventually(t, func() bool { return s.Current().Config.DefaultCores == 20 }, 5*time.Second, 10*time.Millisecond)

	write("defaultCores: 500\n", time.Second)
	time.Sleep(100 * time.Millisecond) // several reload ticks
	require.Equal(t, int32(20), s.Current().Config.DefaultCores, "an invalid file is refused")

	write("defaultCores: 30\n", 0)
	require.Eventually(t, func() bool { return s.Current().Config.DefaultCores == 30 }, 5*time.Second, 10*time.Millisecond)
}

func TestPublishTeachesResourceNames(t *testing.T) {
	t.Parallel()
	s, err := settings.Load("")
	require.NoError(t, err)
	_, _, ok := s.Current().Registry.Lookup("example.com/npu")
	require.False(t, ok)

	inv := devicetest.Node("n1", 1, 1000)
	inv.Vendor = "example"
	inv.Resources.Count, inv.Resources.Memory, inv.Resources.MemoryPercent, inv.Resources.Cores = "example.com/npu", "example.com/npu-mem", "", ""
	before := s.Current()
	require.NoError(t, s.Publish(inv))
	vendor, _, ok := s.Current().Registry.Lookup("example.com/npu")
	require.True(t, ok)
	require.Equal(t, "example", vendor)
	require.NotSame(t, before, s.Current())

	same := s.Current()
	require.NoError(t, s.Publish(inv))
	require.Same(t, same, s.Current(), "the same names do not rebuild the registry")

	clash := devicetest.Node("n1", 1, 1000)
	clash.Vendor = "other"
	clash.Resources.Count = "nvidia.com/gpu"
	clash.Resources.Memory, clash.Resources.MemoryPercent, clash.Resources.Cores = "", "", ""
	require.ErrorContains(t, s.Publish(clash), "claimed by vendors")
	require.Same(t, same, s.Current(), "a clash keeps the registry in force")
}
