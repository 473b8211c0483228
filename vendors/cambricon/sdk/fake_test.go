package sdk_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

func TestFakeModels(t *testing.T) {
	t.Parallel()
	x8small := sdk.ForModel("MLU370-X8", "node-a")
	x8small.Devices = 5
	cases := map[string]struct {
		desc     sdk.Description
		count    int
		memory   int
		links0   []sdk.Link
		links2   []sdk.Link
		numaLast int
	}{
		"MLU370-X8": {
			desc: sdk.ForModel("MLU370-X8", "node-a"), count: 8, memory: 49152, numaLast: 1,
			links0: []sdk.Link{{Peer: 1, Kind: sdk.LinkMLULink, Ports: 2}, {Peer: 4, Kind: sdk.LinkMLULink, Ports: 2}, {Peer: 5, Kind: sdk.LinkMLULink, Ports: 2}},
			links2: []sdk.Link{{Peer: 3, Kind: sdk.LinkMLULink, Ports: 2}, {Peer: 6, Kind: sdk.LinkMLULink, Ports: 2}, {Peer: 7, Kind: sdk.LinkMLULink, Ports: 2}},
		},
		"MLU370-X8, five cards": {
			desc: x8small, count: 5, memory: 49152, numaLast: 1,
			links0: []sdk.Link{{Peer: 1, Kind: sdk.LinkMLULink, Ports: 2}, {Peer: 4, Kind: sdk.LinkMLULink, Ports: 2}},
			links2: []sdk.Link{{Peer: 3, Kind: sdk.LinkMLULink, Ports: 2}},
		},
		"MLU370-X4": {desc: sdk.ForModel("MLU370-X4", "node-a"), count: 8, memory: 24576, numaLast: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := fakesdktest.Start(t, sdk.NewFake, tc.desc, sdk.FakeOptions{})
			n, err := f.DeviceCount()
			require.NoError(t, err)
			require.Equal(t, tc.count, n)
			fakesdktest.Want(t, sdk.Memory{TotalMiB: tc.memory})(f.Memory(n - 1))
			d, err := f.Device(n - 1)
			require.NoError(t, err)
			require.Equal(t, tc.desc.Model, d.Model)
			require.Equal(t, n-1, d.Minor)
			require.Regexp(t, `^MLU-[0-9a-f-]{36}$`, d.UUID)
			fakesdktest.Want(t, tc.numaLast)(f.NUMANode(n - 1))
			for index, want := range map[int][]sdk.Link{0: tc.links0, 2: tc.links2} {
				fakesdktest.Want(t, want, "card %d", index)(f.Links(index))
			}
		})
	}
}

func TestFakeIdentitiesAreStablePerSeed(t *testing.T) {
	t.Parallel()
	a := fakesdktest.Start(t, sdk.NewFake, sdk.ForModel("MLU370-X4", "node-a"), sdk.FakeOptions{})
	again := fakesdktest.Start(t, sdk.NewFake, sdk.ForModel("MLU370-X4", "node-a"), sdk.FakeOptions{})
	other := fakesdktest.Start(t, sdk.NewFake, sdk.ForModel("MLU370-X4", "node-b"), sdk.FakeOptions{})
	d1, _ := a.Device(3)
	d2, _ := again.Device(3)
	d3, _ := other.Device(3)
	fakesdktest.CheckStableIdentity(t, d1, d2, d3, func(d sdk.Device) []string { return []string{d.UUID, d.Serial} })
}

type step struct {
	card    int
	spec    sdk.PartitionSpec
	wantErr error
}

func TestFakePartitionAccounting(t *testing.T) {
	t.Parallel()
	quarter := sdk.PartitionSpec{CorePercent: 25, MemoryMiB: 12288}
	tiny := sdk.PartitionSpec{CorePercent: 1, MemoryMiB: 256}
	many := make([]step, 0, 17)
	for range 16 {
		many = append(many, step{spec: tiny})
	}
	cases := map[string][]step{
		"four quarters fill a card, a fifth sMLU does not fit": {
			{spec: quarter}, {spec: quarter}, {spec: quarter}, {spec: quarter},
			{spec: tiny, wantErr: sdkerr.ErrInsufficient},
			{card: 1, spec: sdk.PartitionSpec{CorePercent: 100, MemoryMiB: 49152}},
		},
		"memory over what is left": {
			{spec: sdk.PartitionSpec{CorePercent: 10, MemoryMiB: 40960}},
			{spec: sdk.PartitionSpec{CorePercent: 10, MemoryMiB: 8448}, wantErr: sdkerr.ErrInsufficient},
			{spec: sdk.PartitionSpec{CorePercent: 10, MemoryMiB: 8192}},
		},
		"cores over what is left": {
			{spec: sdk.PartitionSpec{CorePercent: 60, MemoryMiB: 256}},
			{spec: sdk.PartitionSpec{CorePercent: 50, MemoryMiB: 256}, wantErr: sdkerr.ErrInsufficient},
			{spec: sdk.PartitionSpec{CorePercent: 40, MemoryMiB: 256}},
		},
		"at most MaxPartitions per card": append(many, step{spec: tiny, wantErr: sdkerr.ErrInsufficient}),
		"bad shapes": {
			{spec: sdk.PartitionSpec{CorePercent: 0, MemoryMiB: 256}, wantErr: sdkerr.ErrInvalidArgument},
			{spec: sdk.PartitionSpec{CorePercent: 101, MemoryMiB: 256}, wantErr: sdkerr.ErrInvalidArgument},
			{spec: sdk.PartitionSpec{CorePercent: 10, MemoryMiB: 1000}, wantErr: sdkerr.ErrInvalidArgument},
			{spec: sdk.PartitionSpec{CorePercent: 10}, wantErr: sdkerr.ErrInvalidArgument},
		},
		"sMLU mode off":  {{card: 3, spec: tiny, wantErr: sdkerr.ErrNotSupported}},
		"unknown card":   {{card: 8, spec: tiny, wantErr: sdkerr.ErrNotFound}},
		"a too big sMLU": {{spec: sdk.PartitionSpec{CorePercent: 10, MemoryMiB: 49408}, wantErr: sdkerr.ErrInsufficient}},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := sdk.ForModel("MLU370-X8", "n")
			d.SMLUDisabled = []int{3}
			f := fakesdktest.Start(t, sdk.NewFake, d, sdk.FakeOptions{})
			live := 0
			for i, s := range steps {
				p, err := f.CreatePartition(s.card, s.spec)
				if s.wantErr != nil {
					require.ErrorIs(t, err, s.wantErr, "step %d", i)
					continue
				}
				require.NoError(t, err, "step %d", i)
				require.Equal(t, s.spec, p.PartitionSpec)
				if s.card == 0 {
					live++
				}
			}
			parts, err := f.Partitions(0)
			require.NoError(t, err)
			require.Len(t, parts, live, "refused instances leave nothing behind")
		})
	}
}

func TestFakeDestroyFreesRoom(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, sdk.ForModel("MLU370-X4", "n"), sdk.FakeOptions{})
	full := sdk.PartitionSpec{CorePercent: 100, MemoryMiB: 24576}
	p, err := f.CreatePartition(0, full)
	require.NoError(t, err)
	_, err = f.CreatePartition(0, full)
	require.ErrorIs(t, err, sdkerr.ErrInsufficient)
	require.ErrorContains(t, err, "cndevCreateSMluInstanceByProfileId(0)")
	require.NoError(t, f.DestroyPartition(0, p.Handle))
	err = f.DestroyPartition(0, p.Handle)
	require.ErrorIs(t, err, sdkerr.ErrNotFound)
	require.ErrorContains(t, err, "cndevDestroySMluInstanceByHandle(0)")
	_, err = f.CreatePartition(0, full)
	require.NoError(t, err)
}

func TestFakeConcurrentCreatesNeverOvercommit(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, sdk.ForModel("MLU370-X8", "n"), sdk.FakeOptions{})
	var wg sync.WaitGroup
	errs := make([]error, 12)
	for i := range errs {
		wg.Go(func() { _, errs[i] = f.CreatePartition(0, sdk.PartitionSpec{CorePercent: 25, MemoryMiB: 1024}) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			require.ErrorIs(t, err, sdkerr.ErrInsufficient)
		}
	}
	require.Equal(t, 4, ok)
	parts, err := f.Partitions(0)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, p := range parts {
		require.False(t, seen[p.DeviceNode], "instance nodes are distinct")
		seen[p.DeviceNode] = true
	}
}

func TestFakeStateAndDeviceFilesSurviveReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := sdk.FakeOptions{StatePath: filepath.Join(dir, "state.json"), DevRoot: filepath.Join(dir, "root")}
	desc := sdk.ForModel("MLU370-X8", "node-a")
	f := fakesdktest.Start(t, sdk.NewFake, desc, opts)
	for _, name := range append(sdk.DeviceFiles(0), sdk.DeviceFiles(7)...) {
		require.FileExists(t, filepath.Join(opts.DevRoot, name))
	}
	spec := sdk.PartitionSpec{CorePercent: 30, MemoryMiB: 2048}
	p1, err := f.CreatePartition(2, spec)
	require.NoError(t, err)
	p2, err := f.CreatePartition(2, spec)
	require.NoError(t, err)
	require.Equal(t, p1.ProfileID, p2.ProfileID)
	require.Equal(t, "/dev/cambricon-caps/cap_dev2_mi2", p2.DeviceNode)
	require.FileExists(t, filepath.Join(opts.DevRoot, p2.DeviceNode))
	require.NoError(t, f.DestroyPartition(2, p1.Handle))
	require.NoFileExists(t, filepath.Join(opts.DevRoot, p1.DeviceNode))

	// The plugin restarts, and the node's device files with it (a fresh
	// dev root as in a new container): the driver's instances are still there.
	require.NoError(t, os.RemoveAll(opts.DevRoot))
	again := fakesdktest.Start(t, sdk.NewFake, desc, opts)
	fakesdktest.Want(t, []sdk.Partition{p2})(again.Partitions(2))
	require.FileExists(t, filepath.Join(opts.DevRoot, p2.DeviceNode))
	p3, err := again.CreatePartition(2, spec)
	require.NoError(t, err)
	require.Equal(t, 3, p3.InstanceID, "instance numbers are not reused")
	require.NotEqual(t, p1.UUID, p3.UUID)
	require.NotEqual(t, p2.UUID, p3.UUID)
	_, err = again.CreatePartition(2, sdk.PartitionSpec{CorePercent: 50, MemoryMiB: 256})
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "the reloaded instances still count")
}

func TestFakeHealth(t *testing.T) {
	t.Parallel()
	d := sdk.ForModel("MLU370-X8", "n")
	d.Unhealthy = []int{2}
	f := fakesdktest.Start(t, sdk.NewFake, d, sdk.FakeOptions{})
	for _, tc := range []struct {
		index int
		set   *bool
		want  bool
	}{
		{index: 2, want: false},
		{index: 0, want: true},
		{index: 2, set: ptr(true), want: true},
		{index: 0, set: ptr(false), want: false},
	} {
		if tc.set != nil {
			require.NoError(t, f.SetHealthy(tc.index, *tc.set))
		}
		fakesdktest.Want(t, tc.want, "card %d", tc.index)(f.Healthy(tc.index))
	}
	require.ErrorIs(t, f.SetHealthy(8, true), sdkerr.ErrNotFound)
}

func ptr[T any](v T) *T { return &v }

func TestFakeFailsAsTheBindingDoes(t *testing.T) {
	t.Parallel()
	f, err := sdk.NewFake(sdk.ForModel("MLU370-X4", "n"), sdk.FakeOptions{})
	require.NoError(t, err)
	fakesdktest.CheckGuard(t, f, fakesdktest.Guard{
		Call:    func(i int) error { _, err := f.Links(i); return err },
		Unknown: 9, UnknownErr: sdkerr.ErrNotFound, UnknownText: "cndevGetDeviceHandleByIndex(9): CNDEV_ERROR_INVALID_DEVICE_ID (6)",
	})
	_, err = f.Device(0)
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
}

func TestNewFakeRefusesABadDescription(t *testing.T) {
	t.Parallel()
	_, err := sdk.NewFake(sdk.ForModel("MLU999", "n"), sdk.FakeOptions{})
	require.ErrorContains(t, err, `model "MLU999": must be one of MLU370-X8, MLU370-X4`)
}
