package policy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/common/request"
)

const gpuMiB = 81920

// fourGPUs has used memory 20000, 0, 40000, 10000 MiB on its devices.
func fourGPUs() (*device.NodeInventory, policy.NodeUsage) {
	inv := devicetest.Node("n1", 4, gpuMiB)
	u := policy.NodeUsage{
		{MemoryMiB: 20000, Cores: 20, Tenants: 1, Mode: device.ModeHAMiCore},
		{},
		{MemoryMiB: 40000, Cores: 40, Tenants: 2, Mode: device.ModeHAMiCore},
		{MemoryMiB: 10000, Cores: 10, Tenants: 1, Mode: device.ModeHAMiCore},
	}
	return inv, u
}

func req(count int32, mem int64, cores int32, pol string) *policy.Request {
	return &policy.Request{Request: request.Request{Vendor: "nvidia", Count: count, MemoryMiB: mem, Cores: cores}, Policy: pol}
}

func ids(cs []policy.Choice) []int {
	out := make([]int, len(cs))
	for i, c := range cs {
		out[i] = c.Device
	}
	return out
}

func TestFitDevicePolicies(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		req  *policy.Request
		want []int
	}{
		"binpack takes the fullest device that fits":    {req(1, 3000, 10, policy.Binpack), []int{2}},
		"spread takes the emptiest device":              {req(1, 3000, 10, policy.Spread), []int{1}},
		"binpack skips a device that is too full":       {req(1, 50000, 10, policy.Binpack), []int{0}},
		"binpack two devices, fullest first":            {req(2, 3000, 10, policy.Binpack), []int{2, 0}},
		"spread two devices, emptiest first":            {req(2, 3000, 10, policy.Spread), []int{1, 3}},
		"whole-device memory only fits the idle device": {req(1, gpuMiB, 0, policy.Binpack), []int{1}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inv, u := fourGPUs()
			got, unfit := policy.Fit(inv, u, tc.req)
			require.Nil(t, unfit)
			require.Equal(t, tc.want, ids(got))
		})
	}
}

func TestFitSelection(t *testing.T) {
	t.Parallel()
	inv, u := fourGPUs()
	inv.Devices[3].Type = "NVIDIA A100-SXM4-80GB"
	tests := map[string]struct {
		sel  request.Selection
		want []int
		code policy.Code
	}{
		"use uuid picks that device":          {sel: request.Selection{UseUUIDs: []string{"GPU-n1-3"}}, want: []int{3}},
		"nouse uuid skips the binpack choice": {sel: request.Selection{NoUseUUIDs: []string{"GPU-n1-2"}}, want: []int{0}},
		"use type matches a model substring":  {sel: request.Selection{UseTypes: []string{"a100"}}, want: []int{3}},
		"nouse type excludes the H100s":       {sel: request.Selection{NoUseTypes: []string{"H100"}}, want: []int{3}},
		"unknown uuid fits nowhere":           {sel: request.Selection{UseUUIDs: []string{"GPU-nope"}}, code: policy.UUIDNotIncluded},
		"model nobody has fits nowhere":       {sel: request.Selection{UseTypes: []string{"B200"}}, code: policy.TypeNotIncluded},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := req(1, 3000, 10, policy.Binpack)
			r.Selection = tc.sel
			got, unfit := policy.Fit(inv, u, r)
			if tc.code != 0 {
				require.NotNil(t, unfit)
				require.Len(t, unfit.Reasons, 4)
				for _, why := range unfit.Reasons {
					require.Equal(t, tc.code, why.Code)
				}
				return
			}
			require.Nil(t, unfit)
			require.Equal(t, tc.want, ids(got))
		})
	}
}

func TestFitNUMAKeepsDevicesOnOneNode(t *testing.T) {
	t.Parallel()
	// NUMA 0: GPUs 0,1; NUMA 1: GPUs 2,3. GPU 0 is full, so a NUMA-bound
	// pair must be 2,3 although binpack alone would pick 2 and 1.
	inv := devicetest.Node("n1", 4, gpuMiB)
	u := policy.NodeUsage{{MemoryMiB: gpuMiB, Cores: 100, Tenants: 1, Mode: device.ModeHAMiCore}, {}, {MemoryMiB: 1000, Cores: 10, Tenants: 1, Mode: device.ModeHAMiCore}, {}}

	got, unfit := policy.Fit(inv, u, req(2, 3000, 10, policy.Binpack))
	require.Nil(t, unfit)
	require.Equal(t, []int{2, 1}, ids(got))

	got, unfit = policy.Fit(inv, u, req(2, 3000, 10, policy.NUMA))
	require.Nil(t, unfit)
	require.Equal(t, []int{2, 3}, ids(got))

	bind := req(2, 3000, 10, policy.Spread)
	bind.Selection.NUMABind = true
	got, unfit = policy.Fit(inv, u, bind)
	require.Nil(t, unfit)
	require.ElementsMatch(t, []int{2, 3}, ids(got))

	_, unfit = policy.Fit(inv, u, req(3, 3000, 10, policy.NUMA))
	require.NotNil(t, unfit)
	require.Equal(t, policy.NUMASplit, unfit.Code)
}

func TestFitTopologyAwarePicksLinkedPair(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 4, gpuMiB)
	for i := range inv.Devices {
		inv.Devices[i].Links = map[string]int32{}
		for j := range inv.Devices {
			if i != j {
				inv.Devices[i].Links[inv.Devices[j].ID] = 10
			}
		}
	}
	inv.Devices[1].Links["GPU-n1-3"] = 100
	inv.Devices[3].Links["GPU-n1-1"] = 100

	got, unfit := policy.Fit(inv, nil, req(2, 3000, 10, policy.TopologyAware))
	require.Nil(t, unfit)
	require.ElementsMatch(t, []int{1, 3}, ids(got))

	got, unfit = policy.Fit(inv, nil, req(2, 3000, 10, policy.Binpack))
	require.Nil(t, unfit)
	require.Equal(t, []int{0, 1}, ids(got), "without topology the lowest indexes win a tie")
}

func TestFitMIGTakesSmallestProfile(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, gpuMiB)
	devicetest.WithMIG(inv, 0)
	mig := func(mem int64) *policy.Request {
		r := req(1, mem, 0, policy.Binpack)
		r.Selection.Mode = device.ModeMIG
		return r
	}
	tests := map[string]struct {
		mem     int64
		profile string
	}{
		"5 GiB gets 1g.10gb":  {5000, "1g.10gb"},
		"15 GiB gets 2g.20gb": {15000, "2g.20gb"},
		"30 GiB gets 3g.40gb": {30000, "3g.40gb"},
		"70 GiB gets 7g.80gb": {70000, "7g.80gb"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, unfit := policy.Fit(inv, nil, mig(tc.mem))
			require.Nil(t, unfit)
			require.Equal(t, tc.profile, got[0].Profile)
			require.Equal(t, device.ModeMIG, got[0].Mode)
		})
	}

	t.Run("placements fill up, then no profile fits", func(t *testing.T) {
		t.Parallel()
		u := policy.NodeUsage{{}}.Clone(1)
		var starts []int32
		for range 3 {
			got, unfit := policy.Fit(inv, u, mig(15000))
			require.Nil(t, unfit)
			starts = append(starts, got[0].Placement)
			u.Add(got[0])
		}
		require.Equal(t, []int32{0, 2, 4}, starts)
		got, unfit := policy.Fit(inv, u, mig(5000))
		require.Nil(t, unfit, "slice 6 is still free for a 1g")
		require.Equal(t, int32(6), got[0].Placement)
		u.Add(got[0])
		_, unfit = policy.Fit(inv, u, mig(5000))
		require.NotNil(t, unfit)
		require.Equal(t, policy.NoProfile, unfit.Reasons[0].Code)
	})

	t.Run("a MIG device takes no hami-core tenant", func(t *testing.T) {
		t.Parallel()
		u := policy.NodeUsage{{}}.Clone(1)
		got, _ := policy.Fit(inv, u, mig(5000))
		u.Add(got[0])
		_, unfit := policy.Fit(inv, u, req(1, 1000, 10, policy.Binpack))
		require.NotNil(t, unfit)
		require.Equal(t, policy.ModeConflict, unfit.Reasons[0].Code)
	})
}

func TestFitExclusiveBlocksSharing(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, gpuMiB)
	shared := policy.NodeUsage{{MemoryMiB: 1000, Cores: 10, Tenants: 1, Mode: device.ModeHAMiCore}}

	_, unfit := policy.Fit(inv, shared, req(1, 1000, 100, policy.Binpack))
	require.NotNil(t, unfit)
	require.Equal(t, policy.NotIdle, unfit.Reasons[0].Code)

	u := policy.NodeUsage{{}}.Clone(1)
	got, unfit := policy.Fit(inv, u, req(1, 1000, 100, policy.Binpack))
	require.Nil(t, unfit)
	require.True(t, got[0].Exclusive)
	require.Equal(t, int64(gpuMiB), got[0].MemoryMiB, "an exclusive tenant holds the whole memory")
	u.Add(got[0])

	_, unfit = policy.Fit(inv, u, req(1, 1, 1, policy.Binpack))
	require.NotNil(t, unfit)
	require.Equal(t, policy.HeldExclusively, unfit.Reasons[0].Code)
}

func TestFitOversubscriptionAdmitsExactlyScaledMemory(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, gpuMiB)
	inv.Scaling.MemoryScaling = 2
	capacity := int64(2 * gpuMiB)

	_, unfit := policy.Fit(inv, nil, req(1, capacity, 10, policy.Binpack))
	require.Nil(t, unfit)
	_, unfit = policy.Fit(inv, nil, req(1, capacity+1, 10, policy.Binpack))
	require.NotNil(t, unfit)

	u := policy.NodeUsage{{}}.Clone(1)
	for range 2 {
		got, unfit := policy.Fit(inv, u, req(1, gpuMiB, 10, policy.Binpack))
		require.Nil(t, unfit)
		u.Add(got[0])
	}
	_, unfit = policy.Fit(inv, u, req(1, 1, 10, policy.Binpack))
	require.NotNil(t, unfit)
	require.Equal(t, "GPU-n1-0 insufficient memory: want 1 MiB, free 0 MiB", unfit.Reasons[0].String())
}

func TestFitLimitsTenantsAndCores(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, gpuMiB)
	inv.Devices[0].SplitCount = 2
	u := policy.NodeUsage{{}}.Clone(1)
	for range 2 {
		got, unfit := policy.Fit(inv, u, req(1, 100, 40, policy.Binpack))
		require.Nil(t, unfit)
		u.Add(got[0])
	}
	_, unfit := policy.Fit(inv, u, req(1, 100, 10, policy.Binpack))
	require.Equal(t, policy.NoTenantSlot, unfit.Reasons[0].Code)

	inv.Devices[0].SplitCount = 10
	_, unfit = policy.Fit(inv, u, req(1, 100, 30, policy.Binpack))
	require.Equal(t, "GPU-n1-0 insufficient cores: want 30%, free 20%", unfit.Reasons[0].String())
}

func TestFitMemoryPercentAndUnit(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, 1000)
	inv.Devices[0].MemoryUnitMiB = 256
	r := req(1, 0, 0, policy.Binpack)
	r.MemoryPercent = 30
	got, unfit := policy.Fit(inv, nil, r)
	require.Nil(t, unfit)
	require.Equal(t, int64(512), got[0].MemoryMiB, "30% of 1000 MiB is 300 MiB, rounded up to 256 MiB units")
}

func TestUnfitMessageIsReadable(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 2, 2048)
	inv.Devices[1].Healthy = false
	_, unfit := policy.Fit(inv, nil, req(1, 3000, 10, policy.Binpack))
	require.EqualError(t, unfit, "GPU-n1-0 insufficient memory: want 3000 MiB, free 2048 MiB; GPU-n1-1 unhealthy")

	_, unfit = policy.Fit(inv, nil, req(2, 100, 10, policy.Binpack))
	require.EqualError(t, unfit, "nvidia too few fitting devices: want 2, 1 fit; GPU-n1-1 unhealthy")

	big := devicetest.Node("n2", 8, 2048)
	u := make(policy.NodeUsage, 8)
	u[3] = policy.DeviceUsage{MemoryMiB: 1024, Tenants: 1, Mode: device.ModeHAMiCore}
	big.Devices[7].Healthy = false
	_, unfit = policy.Fit(big, u, req(1, 3000, 10, policy.Binpack))
	require.EqualError(t, unfit, "insufficient memory on 7 devices: want 3000 MiB, at most 2048 MiB free; GPU-n2-7 unhealthy",
		"no device id where several devices share a reason, so identical nodes read alike")
}
