package policy_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/common/request"
)

func nvidia(mem int64, cores int32) request.Request {
	return request.Request{Vendor: "nvidia", Count: 1, MemoryMiB: mem, Cores: cores}
}

func TestFitPodAppContainersAddUp(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, 10000)
	node := policy.Node{{Inventory: inv}}
	pod := &request.Pod{Containers: []request.Container{
		{Name: "a", Requests: []request.Request{nvidia(6000, 10)}},
		{Name: "b", Requests: []request.Request{nvidia(6000, 10)}},
	}}
	_, unfit := policy.FitPod(node, pod, policy.Binpack)
	require.NotNil(t, unfit, "two app containers of 6000 MiB cannot share a 10000 MiB device")

	pod.Containers[1].Requests[0].MemoryMiB = 4000
	p, unfit := policy.FitPod(node, pod, policy.Binpack)
	require.Nil(t, unfit)
	after := p.Book(node)["nvidia"]
	require.Equal(t, int64(10000), after[0].MemoryMiB)
	require.Equal(t, int32(2), after[0].Tenants)
	require.Nil(t, node[0].Usage, "FitPod must not change the node's usage")
}

func TestFitPodInitContainersRunAlone(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, 10000)
	node := policy.Node{{Inventory: inv}}
	pod := &request.Pod{Containers: []request.Container{
		{Name: "init1", Init: true, Requests: []request.Request{nvidia(8000, 10)}},
		{Name: "init2", Init: true, Requests: []request.Request{nvidia(9000, 10)}},
		{Name: "app", Requests: []request.Request{nvidia(7000, 20)}},
	}}
	p, unfit := policy.FitPod(node, pod, policy.Binpack)
	require.Nil(t, unfit)
	after := p.Book(node)["nvidia"][0]
	require.Equal(t, int64(9000), after.MemoryMiB, "the pod holds the most any one phase needs")
	require.Equal(t, int32(20), after.Cores)
	require.Equal(t, int32(1), after.Tenants)
}

func TestFitPodSeveralVendors(t *testing.T) {
	t.Parallel()
	gpu := devicetest.Node("n1", 2, 10000)
	mlu := devicetest.Node("n1", 1, 16000)
	mlu.Vendor = "cambricon"
	node := policy.Node{{Inventory: gpu}, {Inventory: mlu}}
	pod := &request.Pod{Containers: []request.Container{{Name: "app", Requests: []request.Request{
		{Vendor: "cambricon", Count: 1, MemoryMiB: 4000},
		{Vendor: "nvidia", Count: 2, MemoryMiB: 1000, Cores: 10},
	}}}}
	p, unfit := policy.FitPod(node, pod, policy.Spread)
	require.Nil(t, unfit)
	require.Len(t, p.Containers[0].Vendors, 2)
	require.Len(t, p.Book(node), 2)

	node = node[:1]
	_, unfit = policy.FitPod(node, pod, policy.Spread)
	require.NotNil(t, unfit)
	require.Equal(t, policy.NoInventory, unfit.Code)
}

func TestScoreBinpackAndSpreadDisagree(t *testing.T) {
	t.Parallel()
	empty := policy.Node{{Inventory: devicetest.Node("empty", 4, 10000)}}
	busy := policy.Node{{Inventory: devicetest.Node("busy", 4, 10000), Usage: policy.NodeUsage{
		{MemoryMiB: 8000, Cores: 80, Tenants: 2, Mode: device.ModeHAMiCore},
		{MemoryMiB: 8000, Cores: 80, Tenants: 2, Mode: device.ModeHAMiCore},
	}}}
	pod := &request.Pod{Containers: []request.Container{{Name: "app", Requests: []request.Request{nvidia(1000, 10)}}}}
	score := func(n policy.Node, pol string) int64 {
		p, unfit := policy.FitPod(n, pod, policy.Binpack)
		require.Nil(t, unfit)
		return policy.Score(n, p, pol)
	}
	require.Greater(t, score(busy, policy.Binpack), score(empty, policy.Binpack))
	require.Greater(t, score(empty, policy.Spread), score(busy, policy.Spread))
	require.Equal(t, int64(3), score(empty, policy.Binpack), "1000 MiB and 10% of four 10000 MiB devices")
}

func TestEvaluateAgreesWithFitPodAndScore(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 4, 10000)
	u := policy.NodeUsage{{MemoryMiB: 9000, Cores: 10, Tenants: 1, Mode: device.ModeHAMiCore}, {MemoryMiB: 2000, Cores: 50, Tenants: 1, Mode: device.ModeHAMiCore}}
	node := policy.Node{{Inventory: inv, Usage: u}}
	pods := map[string]*request.Pod{
		"one device":  {Containers: []request.Container{{Name: "a", Requests: []request.Request{nvidia(3000, 30)}}}},
		"two devices": {Containers: []request.Container{{Name: "a", Requests: []request.Request{{Vendor: "nvidia", Count: 2, MemoryMiB: 3000, Cores: 30}}}}},
		"too big":     {Containers: []request.Container{{Name: "a", Requests: []request.Request{nvidia(30000, 30)}}}},
	}
	for name, pod := range pods {
		for _, pol := range []string{policy.Binpack, policy.Spread} {
			t.Run(name+"/"+pol, func(t *testing.T) {
				t.Parallel()
				score, unfit := policy.Evaluate(node, pod, pol, pol)
				p, unfit2 := policy.FitPod(node, pod, pol)
				if unfit2 != nil {
					require.Equal(t, unfit2, unfit)
					return
				}
				require.Nil(t, unfit)
				require.Equal(t, policy.Score(node, p, pol), score)
			})
		}
	}
}

// Evaluate takes short cuts that FitPod followed by Score does not (no
// placement is built, and where every device would take the same share the
// first device that fits answers). On thousands of random nodes and
// requests both must give the same verdict, reasons and score.
func TestEvaluateAgreesWithFitPodAndScoreOnRandomNodes(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2026, 11))
	pick := func(n int) int { return rng.IntN(n) }
	modeSets := [][]string{
		{device.ModeHAMiCore, device.ModeExclusive}, {device.ModeHAMiCore}, {device.ModeExclusive}, {},
	}
	for n := range 20000 {
		inv := devicetest.Node("n", 1+pick(8), 81920)
		for i := range inv.Devices {
			d := &inv.Devices[i]
			d.Healthy = pick(10) > 0
			d.SplitCount = int32(1 + pick(4))
			d.MemoryMiB = []int64{24576, 40960, 81920}[pick(3)]
			d.MemoryUnitMiB = []int64{0, 1, 256}[pick(3)]
			d.Modes = slices.Clone(modeSets[pick(len(modeSets))])
			if pick(4) == 0 {
				d.MemoryMiB = 81920
				devicetest.WithMIG(inv, i)
			}
		}
		u := make(policy.NodeUsage, pick(len(inv.Devices)+1))
		for i := range u {
			switch pick(4) {
			case 1, 2:
				u[i] = policy.DeviceUsage{MemoryMiB: int64(pick(8)) * 10000, Cores: int32(pick(10)) * 10, Tenants: int32(1 + pick(3)), Mode: device.ModeHAMiCore}
			case 3:
				u[i] = policy.DeviceUsage{Tenants: 1, Exclusive: true, Mode: device.ModeExclusive}
			}
		}
		req := request.Request{Vendor: "nvidia", Count: int32(1 + pick(2)), Cores: []int32{0, 10, 30, 50, 100}[pick(5)]}
		if pick(3) == 0 {
			req.MemoryPercent = int32(10 * (1 + pick(10)))
		} else {
			req.MemoryMiB = []int64{1000, 3000, 9000, 20000, 50000}[pick(5)]
		}
		sel := request.Selection{Mode: []string{"", "", device.ModeHAMiCore, device.ModeExclusive, device.ModeMIG}[pick(5)]}
		pod := &request.Pod{Containers: []request.Container{{Name: "a", Requests: []request.Request{req}}},
			Selection: map[string]request.Selection{"nvidia": sel}}
		node := policy.Node{{Inventory: inv, Usage: u}}
		devicePolicy := []string{policy.Binpack, policy.Spread, policy.TopologyAware}[pick(3)]
		nodePolicy := []string{policy.Binpack, policy.Spread}[pick(2)]

		// The same node with its summary kept, as the scheduler has it.
		summed := policy.Node{{Inventory: inv, Usage: u, Summary: policy.Summarize(inv, u)}}

		score, unfit := policy.Evaluate(node, pod, devicePolicy, nodePolicy)
		scoreSummed, unfitSummed := policy.Evaluate(summed, pod, devicePolicy, nodePolicy)
		p, want := policy.FitPod(node, pod, devicePolicy)
		if want != nil {
			require.Equal(t, want, unfit, "case %d", n)
			require.Equal(t, want, unfitSummed, "case %d, summed", n)
			continue
		}
		require.Nil(t, unfit, "case %d", n)
		require.Nil(t, unfitSummed, "case %d, summed", n)
		require.Equal(t, policy.Score(node, p, nodePolicy), score, "case %d", n)
		require.Equal(t, score, scoreSummed, "case %d, summed", n)
		require.Equal(t, score, policy.Score(summed, p, nodePolicy), "case %d, Score summed", n)
	}
}
