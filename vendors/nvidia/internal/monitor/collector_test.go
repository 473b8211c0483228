package monitor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/limiter"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/monitor"
)

// The containers' figures are common/limiter's (tested there); the NVIDIA
// monitor serves them under its prefix beside NVML's view of every GPU.
func TestCollectorServesContainersAndGPUs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	regions := filepath.Join(dir, "regions")
	r := &limiter.Region{Processes: 1}
	r.MemoryUsed[0] = 7
	data, err := r.MarshalBinary()
	require.NoError(t, err)
	path := filepath.Join(regions, "uid-1_main", limiter.RegionFile)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
	s, err := fake.New(fake.ForSystem("dgxh100", "n"))
	require.NoError(t, err)
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(monitor.NewCollector(s, monitor.Options{RegionRoot: regions, LimitsRoot: filepath.Join(dir, "limits")})))

	mfs, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]int{}
	for _, mf := range mfs {
		got[mf.GetName()] = len(mf.GetMetric())
	}
	require.Equal(t, 1, got["hami_nvidia_container_memory_used_bytes"])
	require.Equal(t, 1, got["hami_nvidia_container_processes"])
	require.Equal(t, 8, got["hami_nvidia_gpu_memory_total_bytes"], "every GPU of the DGX H100")
	require.Equal(t, 8, got["hami_nvidia_gpu_memory_used_bytes"])
	for name := range got {
		require.True(t, strings.HasPrefix(name, monitor.Prefix+"_"), name)
	}
}
