package mlunode_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/vendors/cambricon/internal/mlunode"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

func TestDevices(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir(), func(d *sdk.Description) { d.SMLUDisabled = []int{7} })
	devs := r.node.Devices()
	require.Len(t, devs, 8)
	d0 := devs[0]
	require.Equal(t, "MLU370-X8", d0.Type)
	require.EqualValues(t, 48*1024, d0.MemoryMiB)
	require.EqualValues(t, 256, d0.MemoryUnitMiB)
	require.EqualValues(t, 100, d0.Cores)
	require.EqualValues(t, mlunode.MaxInstances, d0.SplitCount)
	require.Equal(t, []string{mlunode.ModeSMLU, device.ModeExclusive}, d0.Modes)
	require.Equal(t, map[string]int32{devs[1].ID: device.ScoreFabric, devs[4].ID: device.ScoreFabric, devs[5].ID: device.ScoreFabric}, d0.Links,
		"card 0's MLU-Link group is {0,1,4,5}")
	require.Equal(t, []string{device.ModeExclusive}, devs[7].Modes, "a card out of sMLU mode is used whole")
	require.EqualValues(t, 1, devs[7].SplitCount)
	require.Equal(t, 1, devs[7].NUMA)
}

func TestDevicesPCIe(t *testing.T) {
	t.Parallel()
	f, err := sdk.NewFake(sdk.ForModel("MLU370-X4", "n1"), sdk.FakeOptions{})
	require.NoError(t, err)
	require.NoError(t, f.Init())
	cards, err := mlunode.Discover(f)
	require.NoError(t, err)
	for _, d := range mlunode.New(f, cards, mlunode.Options{}, nil).Devices() {
		require.Empty(t, d.Links, "MLU370-X4 cards talk over PCIe only")
		require.EqualValues(t, 24*1024, d.MemoryMiB)
	}
}

// reporter records the last health reported per device.
type reporter struct {
	mu    sync.Mutex
	state map[string]bool
}

func (r *reporter) Set(id string, healthy bool, _ string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state[id] = healthy
}

func (r *reporter) healthy(id string) (bool, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.state[id]
	return h, ok
}

func TestWatchPollsHealth(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	cards, err := mlunode.Discover(r.fake)
	require.NoError(t, err)
	node := mlunode.New(r.fake, cards, mlunode.Options{HealthEvery: 10 * time.Millisecond}, r.parts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep := &reporter{state: map[string]bool{}}
	done := make(chan error, 1)
	go func() { done <- node.Watch(ctx, rep) }()
	id := cards[2].UUID
	require.Eventually(t, func() bool { h, ok := rep.healthy(id); return ok && h }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, r.fake.SetHealthy(2, false))
	require.Eventually(t, func() bool { h, _ := rep.healthy(id); return !h }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, r.fake.SetHealthy(2, true))
	require.Eventually(t, func() bool { h, _ := rep.healthy(id); return h }, 5*time.Second, 5*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
}

func TestCollector(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	_, err := r.answer(t, "pod-a", smlu(1, 2048, 20))
	require.NoError(t, err)
	col := r.node.Collector()
	require.Equal(t, 8*3+2, testutil.CollectAndCount(col))
	in := r.parts.Instances()[0]
	want := `# HELP hami_cambricon_smlu_cores_percent Core share of an sMLU instance made for a container.
# TYPE hami_cambricon_smlu_cores_percent gauge
hami_cambricon_smlu_cores_percent{container="main",index="1",instance="` + in.ID + `",pod_uid="pod-a",uuid="` + in.Device + `"} 20
`
	require.NoError(t, testutil.CollectAndCompare(col, strings.NewReader(want), "hami_cambricon_smlu_cores_percent"))
	want = `# HELP hami_cambricon_mlu_memory_total_bytes Memory of the MLU card (CNDev).
# TYPE hami_cambricon_mlu_memory_total_bytes gauge
`
	for _, d := range r.node.Devices() {
		want += `hami_cambricon_mlu_memory_total_bytes{index="` + itoa(d.Index) + `",uuid="` + d.ID + `"} 5.1539607552e+10
`
	}
	require.NoError(t, testutil.CollectAndCompare(col, strings.NewReader(want), "hami_cambricon_mlu_memory_total_bytes"))
}

func TestClose(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	require.NoError(t, r.node.Close())
	_, err := r.fake.DeviceCount()
	require.Error(t, err, "CNDev is shut down")
}
