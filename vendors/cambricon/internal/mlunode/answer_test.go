package mlunode_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/sdkerr"
	"github.com/hami-project/hami/vendors/cambricon/internal/mlunode"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

func TestAnswerSMLU(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	resp, err := r.answer(t, "pod-a", smlu(3, 10240, 30))
	require.NoError(t, err)
	ps := partitions(t, r.fake, 3)
	require.Len(t, ps, 1)
	require.Equal(t, sdk.PartitionSpec{CorePercent: 30, MemoryMiB: 10240}, ps[0].PartitionSpec)
	require.Equal(t, []string{"/dev/cambricon_dev3", "/dev/cambricon_ipcm3", ps[0].DeviceNode}, paths(resp))
	for _, d := range resp.Devices {
		require.Equal(t, filepath.Join(r.devRoot, d.ContainerPath), d.HostPath)
		require.Equal(t, "rw", d.Permissions)
	}
	require.Equal(t, map[string]string{
		mlunode.EnvVisibleDevices: "3", mlunode.EnvSMLUInstance: ps[0].UUID, mlunode.EnvSMLUNode: ps[0].DeviceNode,
		mlunode.EnvSMLUCores: "30", mlunode.EnvSMLUMemory: "10240",
	}, resp.Envs)

	again, err := r.answer(t, "pod-a", smlu(3, 10240, 30))
	require.NoError(t, err)
	require.Equal(t, resp.Envs, again.Envs, "the kubelet's retry gets the same instance")
	require.Len(t, partitions(t, r.fake, 3), 1)
}

func TestAnswerWhole(t *testing.T) {
	t.Parallel()
	cases := map[string][]allocation.Device{
		"exclusive":              {whole(2)},
		"smlu with 100 cores":    {smlu(2, 0, 100)},
		"two cards":              {smlu(2, 0, 100), smlu(6, 0, 100)},
		"two cards, exclusive":   {whole(2), whole(6)},
		"smlu over two cards 50": {smlu(2, 1024, 50), smlu(6, 1024, 50)},
	}
	for name, devs := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, t.TempDir())
			resp, err := r.answer(t, "pod", devs...)
			require.NoError(t, err)
			want := []string{"/dev/cambricon_dev2", "/dev/cambricon_ipcm2"}
			vis := "2"
			if len(devs) == 2 {
				want, vis = append(want, "/dev/cambricon_dev6", "/dev/cambricon_ipcm6"), "2,6"
			}
			require.Equal(t, want, paths(resp))
			require.Equal(t, map[string]string{mlunode.EnvVisibleDevices: vis}, resp.Envs)
			for _, c := range []int{2, 6} {
				require.Empty(t, partitions(t, r.fake, c), "whole cards make no instance")
			}
		})
	}
}

func TestAnswerRefuses(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		mutate func(*sdk.Description)
		devs   []allocation.Device
		is     error
		msg    string
	}{
		"unknown mode":     {devs: []allocation.Device{{Index: 1, Cores: 50, Mode: "hami-core"}}, msg: `mode "hami-core" is not supported`},
		"card not in sMLU": {mutate: func(d *sdk.Description) { d.SMLUDisabled = []int{1} }, devs: []allocation.Device{smlu(1, 1024, 50)}, is: sdkerr.ErrNotSupported},
		"over the card":    {devs: []allocation.Device{smlu(1, 64*1024, 50)}, is: sdkerr.ErrInsufficient},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var mut []func(*sdk.Description)
			if tc.mutate != nil {
				mut = append(mut, tc.mutate)
			}
			r := newRig(t, t.TempDir(), mut...)
			_, err := r.answer(t, "pod", tc.devs...)
			require.Error(t, err)
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			}
			require.ErrorContains(t, err, tc.msg)
			require.Empty(t, r.parts.Instances())
		})
	}
}

// Pods on one card get disjoint instances; one that would overcommit the
// card's cores is refused by the driver and leaves nothing behind.
func TestAnswerSharesOneCard(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	a, err := r.answer(t, "pod-a", smlu(0, 4096, 60))
	require.NoError(t, err)
	b, err := r.answer(t, "pod-b", smlu(0, 4096, 40))
	require.NoError(t, err)
	require.NotEqual(t, a.Envs[mlunode.EnvSMLUNode], b.Envs[mlunode.EnvSMLUNode])
	require.NotEqual(t, a.Devices[2].HostPath, b.Devices[2].HostPath)
	_, err = r.answer(t, "pod-c", smlu(0, 256, 1))
	require.ErrorIs(t, err, sdkerr.ErrInsufficient)
	require.Len(t, r.parts.Instances(), 2)
}

// A restarted plugin (a new node over the same driver state and
// checkpoint) keeps the instances of live pods and destroys the others.
func TestPartitionsAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := newRig(t, dir)
	_, err := first.answer(t, "live", smlu(4, 2048, 25))
	require.NoError(t, err)
	_, err = first.answer(t, "gone", smlu(4, 1024, 25))
	require.NoError(t, err)
	gone := first.parts.Instances()[1]
	h, err := mlunode.HandlesOf(gone)
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(first.devRoot, h.Node))

	second := newRig(t, dir)
	require.Len(t, second.parts.Instances(), 2, "the checkpoint survives the restart")
	require.NoError(t, second.parts.Reconcile(context.Background(), map[types.UID]bool{"live": true}, time.Now()))
	left := partitions(t, second.fake, 4)
	require.Len(t, left, 1)
	require.Equal(t, sdk.PartitionSpec{CorePercent: 25, MemoryMiB: 2048}, left[0].PartitionSpec)
	require.NoFileExists(t, filepath.Join(second.devRoot, h.Node))
	require.Len(t, second.parts.Instances(), 1)

	// An instance the driver lost already counts as destroyed.
	require.NoError(t, second.fake.DestroyPartition(4, left[0].Handle))
	require.NoError(t, second.parts.Reconcile(context.Background(), map[types.UID]bool{}, time.Now()))
	require.Empty(t, second.parts.Instances())
}

func TestSpec(t *testing.T) {
	t.Parallel()
	card := mlunode.Card{MemoryMiB: 48 * 1024}
	cases := map[string]struct {
		want allocation.Device
		spec sdk.PartitionSpec
	}{
		"as asked":           {allocation.Device{MemoryMiB: 10240, Cores: 30}, sdk.PartitionSpec{CorePercent: 30, MemoryMiB: 10240}},
		"memory rounded up":  {allocation.Device{MemoryMiB: 1000, Cores: 10}, sdk.PartitionSpec{CorePercent: 10, MemoryMiB: 1024}},
		"cores from memory":  {allocation.Device{MemoryMiB: 12 * 1024}, sdk.PartitionSpec{CorePercent: 25, MemoryMiB: 12 * 1024}},
		"memory from cores":  {allocation.Device{Cores: 50}, sdk.PartitionSpec{CorePercent: 50, MemoryMiB: 24 * 1024}},
		"at least one share": {allocation.Device{MemoryMiB: 1}, sdk.PartitionSpec{CorePercent: 1, MemoryMiB: 256}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.spec, mlunode.Spec(card, tc.want))
			require.True(t, tc.spec.Valid())
		})
	}
}
