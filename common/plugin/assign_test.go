package plugin_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/common/plugin/plugintest"
)

const node = "node-a"

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// echo answers with the pod and container matched, so tests see who got it.
func echo(_ context.Context, p *plugin.Pending) (*pluginapi.ContainerAllocateResponse, error) {
	mem := ""
	for _, d := range p.Devices {
		mem += fmt.Sprintf("%s=%d;", d.ID, d.MemoryMiB)
	}
	return &pluginapi.ContainerAllocateResponse{Envs: map[string]string{"POD": p.Pod.Name, "CONTAINER": p.Container, "MEM": mem}}, nil
}

func virtualIDs(ids ...string) []string {
	var out []string
	for _, id := range ids {
		for n := range 4 {
			out = append(out, plugin.VirtualID(id, n))
		}
	}
	return out
}

func TestAssignerMatchesConcurrentPods(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		// the kubelet admits these pods in this order; ids are the physical
		// GPUs its Allocate call names (empty: use GetPreferredAllocation)
		order []string
		ids   map[string]string
	}{
		"preferred allocation steers, admitted in bind order": {order: []string{"a", "b", "c"}},
		"preferred allocation steers, admitted out of order":  {order: []string{"c", "a", "b"}},
		"no preference, kubelet ids on the chosen GPUs":       {order: []string{"b", "c", "a"}, ids: map[string]string{"a": "GPU-0", "b": "GPU-1", "c": "GPU-2"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			gpuOf := map[string]string{"a": "GPU-0", "b": "GPU-1", "c": "GPU-2"}
			pods := plugintest.NewPods()
			for i, p := range []string{"a", "b", "c"} {
				pods.Add(plugintest.Pod(t, p, plugintest.Shared(node, "main", "nvidia", gpuOf[p], int64(1000*(i+1)), 30, "hami-core"), t0.Add(time.Duration(i)*time.Second)))
			}
			ledger, err := plugin.NewLedger("")
			require.NoError(t, err)
			a := plugin.NewAssigner("nvidia", node, pods, ledger)
			ctx := context.Background()
			for _, p := range tc.order {
				var ids []string
				if tc.ids == nil {
					ids = a.Prefer(ctx, &pluginapi.ContainerPreferredAllocationRequest{
						AvailableDeviceIDs: virtualIDs("GPU-0", "GPU-1", "GPU-2"), AllocationSize: 1,
					})
					// the kubelet admits p: the preference made for the
					// oldest waiting pod is only right when p is that pod,
					// so emulate a kubelet that follows it only then.
					if plugin.PhysicalID(ids[0]) != gpuOf[p] {
						ids = []string{plugin.VirtualID(gpuOf[p], 3)}
					}
				} else {
					ids = []string{plugin.VirtualID(tc.ids[p], 2)}
				}
				resp, err := a.Allocate(ctx, ids, echo)
				require.NoError(t, err)
				require.Equal(t, p, resp.Envs["POD"], "allocate for %s answered with another pod's allocation", p)
				require.Equal(t, allocation.PhaseSuccess, pods.Phase(types.UID("uid-"+p)))
			}
		})
	}
}

func TestAssignerMultiContainerPodAndRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	alloc := allocation.New(node)
	alloc.Containers = []allocation.Container{
		{Name: "first", Devices: []allocation.Device{{Vendor: "nvidia", ID: "GPU-0", MemoryMiB: 100, Mode: "hami-core"}}},
		{Name: "sidecar"},
		{Name: "second", Devices: []allocation.Device{{Vendor: "nvidia", ID: "GPU-0", MemoryMiB: 200, Mode: "hami-core"}}},
	}
	pods := plugintest.NewPods(plugintest.Pod(t, "p", alloc, t0))
	ctx := context.Background()
	ledger, err := plugin.NewLedger(filepath.Join(dir, "served.json"))
	require.NoError(t, err)
	resp, err := plugin.NewAssigner("nvidia", node, pods, ledger).Allocate(ctx, []string{"GPU-0::1"}, echo)
	require.NoError(t, err)
	require.Equal(t, "first", resp.Envs["CONTAINER"])
	require.Equal(t, allocation.PhaseAllocating, pods.Phase("uid-p"), "one container is still waiting")

	// The plugin restarts: the checkpoint keeps "first" from being served again.
	ledger, err = plugin.NewLedger(filepath.Join(dir, "served.json"))
	require.NoError(t, err)
	resp, err = plugin.NewAssigner("nvidia", node, pods, ledger).Allocate(ctx, []string{"GPU-0::2"}, echo)
	require.NoError(t, err)
	require.Equal(t, "second", resp.Envs["CONTAINER"])
	require.Equal(t, allocation.PhaseSuccess, pods.Phase("uid-p"))
}

func TestAssignerFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pods := plugintest.NewPods(plugintest.Pod(t, "p", plugintest.Shared(node, "main", "nvidia", "GPU-0", 100, 10, "hami-core"), t0))
	ledger, err := plugin.NewLedger("")
	require.NoError(t, err)
	a := plugin.NewAssigner("nvidia", node, pods, ledger)

	_, err = a.Allocate(ctx, []string{"GPU-0::0", "GPU-1::0"}, echo)
	require.ErrorIs(t, err, plugin.ErrNoPendingPod, "no pod waits for two devices")

	_, err = a.Allocate(ctx, []string{"GPU-0::0"}, func(context.Context, *plugin.Pending) (*pluginapi.ContainerAllocateResponse, error) {
		return nil, fmt.Errorf("boom")
	})
	require.ErrorContains(t, err, "default/p/main: boom")
	require.Equal(t, allocation.PhaseFailed, pods.Phase("uid-p"))
}

func TestLedgerRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "l.json")
	l, err := plugin.NewLedger(path)
	require.NoError(t, err)
	require.NoError(t, l.Mark("u1", "c1"))
	require.NoError(t, l.Mark("u2", "c2"))
	require.NoError(t, l.Keep(map[types.UID]bool{"u1": true}))
	l2, err := plugin.NewLedger(path)
	require.NoError(t, err)
	require.True(t, l2.Served("u1", "c1"))
	require.False(t, l2.Served("u2", "c2"))
}

func FuzzDecodeLedger(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"checkpoint.plugin.hami.io/v1","kind":"ServedContainers","served":{"u":["c"]}}`))
	f.Fuzz(func(_ *testing.T, data []byte) { _, _ = plugin.DecodeLedger(data) })
}

func TestVirtualDevices(t *testing.T) {
	t.Parallel()
	devs := plugin.VirtualDevices([]plugin.Physical{{ID: "GPU-a", Healthy: false, NUMA: 1, Replicas: 3}})
	require.Len(t, devs, 3)
	require.Equal(t, "GPU-a::2", devs[2].ID)
	require.Equal(t, pluginapi.Unhealthy, devs[0].Health)
	require.Equal(t, int64(1), devs[0].Topology.Nodes[0].ID)
	require.Equal(t, "GPU-a", plugin.PhysicalID(devs[1].ID))
}

// Two pods on the same GPU with the same count differ only in their limits:
// the kubelet admits a batch in creation order, bound in the other order.
func TestAssignerSameGPUFollowsKubeletOrder(t *testing.T) {
	t.Parallel()
	older := plugintest.Pod(t, "older", plugintest.Shared(node, "main", "nvidia", "GPU-0", 1000, 10, "hami-core"), t0.Add(2*time.Second))
	older.CreationTimestamp.Time = t0
	newer := plugintest.Pod(t, "newer", plugintest.Shared(node, "main", "nvidia", "GPU-0", 2000, 20, "hami-core"), t0.Add(time.Second))
	newer.CreationTimestamp.Time = t0.Add(time.Second)
	pods := plugintest.NewPods(older, newer)
	ledger, err := plugin.NewLedger("")
	require.NoError(t, err)
	a := plugin.NewAssigner("nvidia", node, pods, ledger)
	ctx := context.Background()
	for _, want := range []string{"older", "newer"} {
		ids := a.Prefer(ctx, &pluginapi.ContainerPreferredAllocationRequest{AvailableDeviceIDs: virtualIDs("GPU-0"), AllocationSize: 1})
		resp, err := a.Allocate(ctx, ids, echo)
		require.NoError(t, err)
		require.Equal(t, want, resp.Envs["POD"])
	}
}
