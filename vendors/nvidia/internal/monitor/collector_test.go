package monitor_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/limiter"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/monitor"
)

// node is a monitor over temporary region and limits roots with a clock
// the test moves.
type node struct {
	t       *testing.T
	regions string
	limits  string
	mu      sync.Mutex
	now     time.Time
	reg     *prometheus.Registry
}

func newNode(t *testing.T) *node {
	t.Helper()
	dir := t.TempDir()
	n := &node{t: t, regions: filepath.Join(dir, "regions"), limits: filepath.Join(dir, "limits"), now: time.Unix(1000, 0)}
	s, err := fake.New(fake.ForSystem("dgxh100", "n"))
	require.NoError(t, err)
	c := monitor.NewCollector(s, monitor.Options{RegionRoot: n.regions, LimitsRoot: n.limits, Now: n.clock})
	n.reg = prometheus.NewPedanticRegistry()
	require.NoError(t, n.reg.Register(c))
	return n
}

func (n *node) clock() time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.now
}

func (n *node) advance(d time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.now = n.now.Add(d)
}

func (n *node) region(name string, r *limiter.Region) {
	n.t.Helper()
	data, err := r.MarshalBinary()
	require.NoError(n.t, err)
	n.raw(name, data)
}

func (n *node) raw(name string, data []byte) {
	n.t.Helper()
	path := filepath.Join(n.regions, name, limiter.RegionFile)
	require.NoError(n.t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(n.t, os.WriteFile(path, data, 0o644))
}

// scrape gathers once: series as name{label=value,...} -> value.
func (n *node) scrape() map[string]float64 {
	n.t.Helper()
	mfs, err := n.reg.Gather()
	require.NoError(n.t, err)
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			sort.Strings(labels)
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			out[mf.GetName()+"{"+strings.Join(labels, ",")+"}"] = v
		}
	}
	return out
}

func series(name, uid, container, device string) string {
	return name + "{container=" + container + ",device=" + device + ",pod_uid=" + uid + "}"
}

func TestCollectorWithoutLimitsOrRegions(t *testing.T) {
	t.Parallel()
	n := newNode(t)
	require.NoError(t, os.MkdirAll(filepath.Join(n.regions, "uid-0_started"), 0o755)) // no CUDA process yet
	require.NoError(t, os.MkdirAll(filepath.Join(n.regions, "stray"), 0o755))
	r := &limiter.Region{Processes: 1}
	r.MemoryUsed[0] = 7
	n.region("uid-2_nolimits", r)
	bad := &limiter.Region{}
	data, err := bad.MarshalBinary()
	require.NoError(t, err)
	data[8] = 1 // version 1: limits in the region, an old library
	n.raw("uid-3_old", data)
	n.region("uid-4_badlimits", r)
	require.NoError(t, os.MkdirAll(filepath.Join(n.limits, "uid-4_badlimits"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(n.limits, "uid-4_badlimits", limiter.LimitsFile), []byte("version=9\n"), 0o644))

	got := n.scrape()
	require.InDelta(t, 7, got[series("hami_nvidia_container_memory_used_bytes", "uid-2", "nolimits", "0")], 0)
	require.NotContains(t, got, series("hami_nvidia_container_memory_limit_bytes", "uid-2", "nolimits", "0"), "no limits file: no limit series")
	require.InDelta(t, 1, got["hami_nvidia_region_unreadable{container=old,pod_uid=uid-3}"], 0)
	require.InDelta(t, 1, got["hami_nvidia_limits_unreadable{container=badlimits,pod_uid=uid-4}"], 0)
	for k := range got {
		require.NotContains(t, k, "uid-0")
	}
	gpus := 0
	for k := range got {
		if strings.HasPrefix(k, "hami_nvidia_gpu_memory_total_bytes{") {
			gpus++
		}
	}
	require.Equal(t, 8, gpus)
}
