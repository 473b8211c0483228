package policy_test

import (
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
