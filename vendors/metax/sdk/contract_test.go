package sdk

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/sdkerr"
)

// exerciseSgpus runs the sGPU rules every Library must keep, on device 1
// of lib, whose memory is memoryMiB: the binding against the mock and the
// fake must agree, so a plugin tested on the fake behaves on the driver.
func exerciseSgpus(t *testing.T, lib Library, memoryMiB uint64) {
	t.Helper()
	const dev = 1
	list := func() []Partition {
		t.Helper()
		ps, err := lib.Sgpus(dev)
		require.NoError(t, err)
		return ps
	}
	require.Empty(t, list())

	_, err := lib.CreateSgpu(dev, 1000, 10)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument, "memory not in 128 MiB steps")
	_, err = lib.CreateSgpu(dev, 1024, 0)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument, "no compute")
	_, err = lib.CreateSgpu(dev, 1024, -5)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument, "negative compute")
	_, err = lib.CreateSgpu(dev, memoryMiB+SgpuMemoryStepMiB, 10)
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "more memory than the device has")

	big, err := lib.CreateSgpu(dev, memoryMiB/2, 50)
	require.NoError(t, err)
	require.Equal(t, Partition{ID: big.ID, Device: dev, MemoryMiB: memoryMiB / 2, ComputePercent: 50}, big)
	_, err = lib.CreateSgpu(dev, memoryMiB/2+SgpuMemoryStepMiB, 10)
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "memory left is half")
	_, err = lib.CreateSgpu(dev, SgpuMemoryStepMiB, 51)
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "compute left is 50%")

	var small []Partition
	for range MaxSgpusPerDevice - 1 {
		p, err := lib.CreateSgpu(dev, SgpuMemoryStepMiB, 2)
		require.NoError(t, err)
		small = append(small, p)
	}
	_, err = lib.CreateSgpu(dev, SgpuMemoryStepMiB, 1)
	require.ErrorIs(t, err, ErrSgpuLimit, "a 17th sGPU")
	require.Len(t, list(), MaxSgpusPerDevice)

	others, err := lib.Sgpus(0)
	require.NoError(t, err)
	require.Empty(t, others, "sGPUs belong to their device")

	require.NoError(t, lib.SetSgpuComputeQuota(dev, big.ID, 70))
	require.ErrorIs(t, lib.SetSgpuComputeQuota(dev, big.ID, 71), sdkerr.ErrInsufficient, "15 small sGPUs hold 30%")
	require.ErrorIs(t, lib.SetSgpuComputeQuota(dev, big.ID, 101), sdkerr.ErrInvalidArgument)
	require.ErrorIs(t, lib.SetSgpuComputeQuota(dev, 999, 10), sdkerr.ErrNotFound)

	require.NoError(t, lib.RemoveSgpu(dev, small[3].ID))
	require.ErrorIs(t, lib.RemoveSgpu(dev, small[3].ID), sdkerr.ErrNotFound, "removed twice")
	again, err := lib.CreateSgpu(dev, SgpuMemoryStepMiB, 1)
	require.NoError(t, err, "a removed sGPU frees its slot")
	require.NotEqual(t, small[3].ID, again.ID, "ids are not reused")

	ps := list()
	require.Len(t, ps, MaxSgpusPerDevice)
	require.Contains(t, ps, Partition{ID: big.ID, Device: dev, MemoryMiB: memoryMiB / 2, ComputePercent: 70})
	require.NotContains(t, ps, small[3])
}
