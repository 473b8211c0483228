package dcunode_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/vendors/hygon/internal/dcunode"
	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
	"github.com/hami-project/hami/vendors/hygon/sdk"
)

func itoa(i int) string { return strconv.Itoa(i) }

func TestDevices(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	devs := r.node.Devices()
	require.Len(t, devs, 8)
	d := devs[2]
	require.Equal(t, "Z100", d.Type)
	require.Equal(t, int64(32768), d.MemoryMiB)
	require.Equal(t, int32(100), d.Cores)
	require.Equal(t, int32(4), d.SplitCount)
	require.Equal(t, []string{dcunode.ModeVDCU, "exclusive"}, d.Modes)
	require.Equal(t, sdk.ScoreXGMI, d.Links[devs[3].ID], "cards 2 and 3 are an XGMI pair")
	require.Less(t, d.Links[devs[4].ID], sdk.ScoreXGMI)
	require.Len(t, d.Links, 7)
}

// TestRestartKeepsLiveVDCUs: a restarted plugin knows the vDCUs made
// before it, so a new one avoids their CUs, and removes those whose pod
// has gone.
func TestRestartKeepsLiveVDCUs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := newRig(t, dir)
	card := first.uuid(0)
	_, err := first.allocate(t, "live", share(dcunode.ModeVDCU, 1000, 50, card))
	require.NoError(t, err)
	_, err = first.allocate(t, "gone", share(dcunode.ModeVDCU, 1000, 25, card))
	require.NoError(t, err)
	require.NoError(t, first.node.Close())

	again := newRig(t, dir)
	resp, err := again.allocate(t, "next", share(dcunode.ModeVDCU, 1000, 25, card))
	require.NoError(t, err)
	m, _ := mountOf(resp, vdcu.ContainerDir)
	next := readConfig(t, m.HostPath)
	for _, pod := range []string{"live", "gone"} {
		held := readConfig(t, filepath.Join(dir, "vdev", "uid-"+pod+"_main"))
		require.False(t, next.Mask.Overlaps(held.Mask), "the new vDCU shares CUs with %s's", pod)
	}

	mgr, err := again.env.Partitions(nil) // the node's own manager
	require.NoError(t, err)
	require.NoError(t, mgr.Reconcile(context.Background(), map[types.UID]bool{"uid-live": true, "uid-next": true}, time.Now()))
	_, err = os.Stat(filepath.Join(dir, "vdev", "uid-gone_main"))
	require.ErrorIs(t, err, os.ErrNotExist, "the finished pod's vDCU is removed")
	readConfig(t, filepath.Join(dir, "vdev", "uid-live_main"))
	require.Len(t, mgr.Instances(), 2)
}

func TestHealthIsPolled(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := health.NewTracker()
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx, r.node.Watch) }()
	require.NoError(t, r.lib.SetHealthy(5, false))
	require.Eventually(t, func() bool { return !tr.Healthy(r.uuid(5)) }, 5*time.Second, 10*time.Millisecond)
	require.Contains(t, tr.Reason(r.uuid(5)), "does not answer")
	require.True(t, tr.Healthy(r.uuid(4)))
	require.NoError(t, r.lib.SetHealthy(5, true))
	require.Eventually(t, func() bool { return tr.Healthy(r.uuid(5)) }, 5*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	require.NoError(t, r.lib.SetLoad(1, 4096, 37))
	_, err := r.allocate(t, "p", share(dcunode.ModeVDCU, 2000, 15, r.uuid(1)))
	require.NoError(t, err)
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(r.node.Collector()))
	families, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["index"] == "1" || labels["container"] == "main" {
				got[f.GetName()] = m.GetGauge().GetValue()
				if labels["container"] == "main" {
					require.Equal(t, "p", labels["pod"])
					require.Equal(t, "uid-p", labels["pod_uid"])
				}
			}
		}
	}
	require.Equal(t, map[string]float64{
		"hami_hygon_dcu_memory_used_bytes": 4096 << 20, "hami_hygon_dcu_memory_total_bytes": 32768 << 20,
		"hami_hygon_dcu_busy_percent": 37, "hami_hygon_vdcu_compute_units": 9, "hami_hygon_vdcu_memory_limit_bytes": 2000 << 20,
	}, got)
}

func readConfig(t *testing.T, dir string) vdcu.Config {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, vdcu.ConfigFile))
	require.NoError(t, err)
	c, err := vdcu.DecodeConfig(raw)
	require.NoError(t, err)
	return c
}
