package monitor_test

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/monitor"
)

// cRegion writes a region with hami-core's own header and a C compiler, so
// the reader is checked against the real layout.
func cRegion(t *testing.T, dir string) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler")
	}
	bin := filepath.Join(dir, "write_region")
	out, err := exec.Command(cc, "-std=c11", "-I", "../../../../hami-core/src", "-o", bin, "testdata/write_region.c").CombinedOutput()
	require.NoError(t, err, "%s", out)
	path := filepath.Join(dir, "uid-1_main", monitor.RegionFile)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	out, err = exec.Command(bin, path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return path
}

func TestReadRegionWrittenByC(t *testing.T) {
	t.Parallel()
	path := cRegion(t, t.TempDir())
	r, err := monitor.ReadRegion(path)
	require.NoError(t, err)
	require.Equal(t, uint64(3000<<20), r.MemoryLimit[1])
	require.Equal(t, int32(30), r.SMLimit[1])
	require.Equal(t, int32(1), r.Policy)
	require.Equal(t, uint64(1234567), r.MemoryUsed[1])
	require.Equal(t, 2, r.Processes)
}

func TestReadRegionRejects(t *testing.T) {
	t.Parallel()
	path := cRegion(t, t.TempDir())
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	newer := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(newer[8:], 2)
	tests := map[string]struct {
		data []byte
		err  error
	}{
		"empty":         {data: nil, err: monitor.ErrNotRegion},
		"not a region":  {data: make([]byte, 4096), err: monitor.ErrNotRegion},
		"newer version": {data: newer, err: monitor.ErrUnknownVersion},
		"truncated":     {data: good[:1000], err: monitor.ErrNotRegion},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := monitor.ParseRegion(tc.data)
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func FuzzParseRegion(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(_ *testing.T, data []byte) { _, _ = monitor.ParseRegion(data) })
}

func TestCollector(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cRegion(t, dir)
	s, err := fake.New(fake.ForSystem("dgxh100", "n"))
	require.NoError(t, err)
	c := monitor.NewCollector(s, dir)
	want := `
# HELP hami_nvidia_container_memory_limit_bytes The container's device memory limit (0: none).
# TYPE hami_nvidia_container_memory_limit_bytes gauge
hami_nvidia_container_memory_limit_bytes{container="main",device="1",pod_uid="uid-1"} 3.145728e+09
# HELP hami_nvidia_container_memory_used_bytes Device memory the container's processes hold, as the limiter accounts it.
# TYPE hami_nvidia_container_memory_used_bytes gauge
hami_nvidia_container_memory_used_bytes{container="main",device="1",pod_uid="uid-1"} 1.234567e+06
`
	require.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(want),
		"hami_nvidia_container_memory_limit_bytes", "hami_nvidia_container_memory_used_bytes"))
	require.Equal(t, 8, testutil.CollectAndCount(c, "hami_nvidia_gpu_memory_total_bytes"))
}
