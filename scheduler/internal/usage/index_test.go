package usage_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

func pod(uid, node string, devs ...allocation.Device) *usage.Pod {
	a := allocation.New(node)
	a.Containers = []allocation.Container{{Name: "app", Devices: devs}}
	return &usage.Pod{UID: types.UID(uid), Namespace: "default", Name: uid, Allocation: a}
}

func gpu(id string, mem int64, cores int32) allocation.Device {
	return allocation.Device{Vendor: "nvidia", ID: id, MemoryMiB: mem, Cores: cores, Mode: device.ModeHAMiCore}
}

func TestIndexBooksAndFrees(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 2, 10000)
	x := usage.NewIndex()
	require.Nil(t, x.Usage(inv))

	x.Set(pod("a", "n1", gpu("GPU-n1-0", 3000, 30)))
	x.Set(pod("b", "n1", gpu("GPU-n1-0", 1000, 10), gpu("GPU-n1-1", 1000, 10)))
	u := x.Usage(inv)
	require.Equal(t, policy.DeviceUsage{MemoryMiB: 4000, Cores: 40, Tenants: 2, Mode: device.ModeHAMiCore}, u[0])
	require.Equal(t, policy.DeviceUsage{MemoryMiB: 1000, Cores: 10, Tenants: 1, Mode: device.ModeHAMiCore}, u[1])
	require.Equal(t, []string{"n1"}, x.Nodes())
	require.Len(t, x.Pods("n1"), 2)

	r, done := x.Read()
	except := r.UsageExcept(inv, "a")
	done()
	require.Equal(t, int64(1000), except[0].MemoryMiB)

	x.Set(pod("a", "n1", gpu("GPU-n1-1", 500, 5)))
	u = x.Usage(inv)
	require.Equal(t, int64(1000), u[0].MemoryMiB, "replacing a pod's allocation moves its share")
	require.Equal(t, int64(1500), u[1].MemoryMiB)

	x.Remove("a")
	x.Remove("b")
	x.Remove("never-there")
	require.Nil(t, x.Usage(inv))
	require.Equal(t, 0, x.Len())
	require.Empty(t, x.Nodes())
}

func TestIndexUsageFollowsInventoryChanges(t *testing.T) {
	t.Parallel()
	x := usage.NewIndex()
	x.Set(pod("a", "n1", gpu("GPU-n1-1", 3000, 30)))
	inv := devicetest.Node("n1", 2, 10000)
	require.Equal(t, int64(3000), x.Usage(inv)[1].MemoryMiB)

	// The plugin republishes with GPU 0 gone: usage stays on the right
	// device although its position changed.
	next := devicetest.Node("n1", 2, 10000)
	next.Devices = next.Devices[1:]
	u := x.Usage(next)
	require.Len(t, u, 1)
	require.Equal(t, int64(3000), u[0].MemoryMiB)

	other := devicetest.Node("n1", 2, 10000)
	other.Vendor = "cambricon"
	require.Equal(t, policy.DeviceUsage{}, x.Usage(other)[1], "another vendor's devices are not booked")
}

func TestIndexInitContainersCountOnce(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, 10000)
	x := usage.NewIndex()
	p := pod("a", "n1", gpu("GPU-n1-0", 2000, 20))
	p.Allocation.Containers = append(p.Allocation.Containers,
		allocation.Container{Name: "init", Init: true, Devices: []allocation.Device{gpu("GPU-n1-0", 5000, 10)}})
	x.Set(p)
	u := x.Usage(inv)
	require.Equal(t, int64(5000), u[0].MemoryMiB)
	require.Equal(t, int32(20), u[0].Cores)
	require.Equal(t, int32(1), u[0].Tenants)
}

func TestAllocationRoundTripsThroughChoices(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, 81920)
	devicetest.WithMIG(inv, 0)
	node := policy.Node{{Inventory: inv}}
	p := &policy.Placement{Containers: []policy.ContainerChoice{{Name: "app", Vendors: []policy.VendorChoice{{Vendor: "nvidia",
		Choices: []policy.Choice{{Device: 0, ID: "GPU-n1-0", MemoryMiB: 19968, Cores: 28, Mode: device.ModeMIG, Profile: "2g.20gb", Placement: 2, Size: 2}}}}}}}
	a := usage.AllocationOf("n1", p, node)
	require.Equal(t, "2g.20gb", a.Containers[0].Devices[0].Profile)

	x := usage.NewIndex()
	x.Set(&usage.Pod{UID: "a", Allocation: a})
	u := x.Usage(inv)
	require.Equal(t, uint64(0b1100), u[0].Slices, "slices 2 and 3 are taken")
	require.Equal(t, device.ModeMIG, u[0].Mode)
	require.False(t, u[0].Exclusive)
}

// A node with two vendors keeps a cached usage for each; asking for one
// does not evict the other's, and a new pod is seen by both.
func TestIndexCachesEachVendorOfANode(t *testing.T) {
	t.Parallel()
	x := usage.NewIndex()
	x.Set(pod("a", "n1", gpu("GPU-n1-1", 3000, 30)))
	nv := devicetest.Node("n1", 2, 10000)
	mlu := devicetest.Node("n1", 2, 10000)
	mlu.Vendor = "cambricon"
	for range 3 {
		require.Equal(t, int64(3000), x.Usage(nv)[1].MemoryMiB)
		require.Equal(t, policy.DeviceUsage{}, x.Usage(mlu)[1])
	}
	x.Set(pod("b", "n1", gpu("GPU-n1-0", 1000, 10)))
	require.Equal(t, int64(1000), x.Usage(nv)[0].MemoryMiB, "a new pod is seen")
	require.Equal(t, int64(3000), x.Usage(nv)[1].MemoryMiB)
	require.Equal(t, policy.DeviceUsage{}, x.Usage(mlu)[0])
}

// The summary kept beside a node's usage is the policy's summary of that
// usage, and follows changes of the node's pods and of its inventory.
func TestIndexKeepsTheSummaryOfTheUsage(t *testing.T) {
	t.Parallel()
	x := usage.NewIndex()
	inv := devicetest.Node("n1", 2, 10000)
	vendor := func(inv *device.NodeInventory) policy.Vendor {
		r, done := x.Read()
		defer done()
		return r.Vendor(inv)
	}
	require.Equal(t, policy.Vendor{Inventory: inv}, vendor(inv), "a node without pods: the policy sums it")

	x.Set(pod("a", "n1", gpu("GPU-n1-0", 3000, 30)))
	v := vendor(inv)
	require.Equal(t, policy.Summarize(inv, v.Usage), v.Summary)
	require.Same(t, v.Summary, vendor(inv).Summary, "kept until the node changes")

	x.Set(pod("b", "n1", gpu("GPU-n1-1", 1000, 10)))
	w := vendor(inv)
	require.Equal(t, int64(1000), w.Usage[1].MemoryMiB)
	require.Equal(t, policy.Summarize(inv, w.Usage), w.Summary)
	require.NotEqual(t, v.Summary, w.Summary, "a pod more on the node changes it")

	next := devicetest.Node("n1", 2, 10000)
	next.Devices[0].Healthy = false
	n := vendor(next)
	require.Equal(t, policy.Summarize(next, n.Usage), n.Summary)
	require.NotEqual(t, w.Summary, n.Summary, "a republished inventory changes it")
}
