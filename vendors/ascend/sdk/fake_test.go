package sdk

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

func TestFakeDevices(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		model   string
		devices int
		cores   int
		memory  uint64
	}{
		"910A":    {"910A", 8, 30, 32768},
		"910B3":   {"910B3", 8, 20, 65536},
		"910B4":   {"910B4", 8, 20, 32768},
		"910B4-1": {"910B4-1", 8, 20, 65536},
		"310P3":   {"310P3", 8, 8, 21527},
		"910C":    {"910C", 16, 24, 65536},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := fakesdktest.Start(t, NewFake, ForModel(tc.model, "node-a"), FakeOptions{})
			n, err := f.DeviceCount()
			require.NoError(t, err)
			require.Equal(t, tc.devices, n)
			d, err := f.Device(n - 1)
			require.NoError(t, err)
			require.Equal(t, tc.model, d.Model)
			require.Regexp(t, `^([0-9A-F]{8}-){4}[0-9A-F]{8}$`, d.UUID, "shaped as the binding formats die ids")
			require.Equal(t, tc.cores, d.AICores)
			require.Equal(t, "/dev/davinci"+itoa(n-1), d.DevicePath())
			mem, err := f.Memory(0)
			require.NoError(t, err)
			require.Equal(t, tc.memory, mem.TotalMiB)
			other := fakesdktest.Start(t, NewFake, ForModel(tc.model, "node-b"), FakeOptions{})
			od, err := other.Device(n - 1)
			require.NoError(t, err)
			require.NotEqual(t, d.UUID, od.UUID, "ids differ per node")
			again := fakesdktest.Start(t, NewFake, ForModel(tc.model, "node-a"), FakeOptions{})
			ad, err := again.Device(n - 1)
			require.NoError(t, err)
			require.Equal(t, d.UUID, ad.UUID, "ids are stable per node")
		})
	}
}

func itoa(i int) string { return VirtualDevicePath(uint32(i))[len("/dev/vdavinci"):] }

func TestFake910CCountsDiesInPairs(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, NewFake, ForModel("910C", "n"), FakeOptions{})
	d2, err := f.Device(2)
	require.NoError(t, err)
	d3, err := f.Device(3)
	require.NoError(t, err)
	require.Equal(t, d2.CardID, d3.CardID)
	require.Equal(t, []int{0, 1}, []int{d2.DeviceID, d3.DeviceID})
	require.Equal(t, d2.Serial, d3.Serial, "the two dies of a card share the board's serial")
	links, err := f.Links(2)
	require.NoError(t, err)
	require.Equal(t, Link{Peer: 3, Kind: LinkHCCS, Score: 200}, links[2])

	desc := ForModel("910C", "n")
	desc.Devices = 3
	_, err = NewFake(desc, FakeOptions{})
	require.ErrorContains(t, err, "multiple of 2")
}

func TestFakePartitionAccounting(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		model   string
		fill    []string
		refused string
	}{
		"910A cores run out":                     {"910A", []string{"vir16", "vir08", "vir04", "vir02"}, "vir02"},
		"910A fifteen vir02":                     {"910A", repeat("vir02", 15), "vir02"},
		"910B3 two halves":                       {"910B3", []string{"vir10_3c_32g", "vir10_3c_32g"}, "vir05_1c_16g"},
		"910B4 four quarters":                    {"910B4", repeat("vir05_1c_8g", 4), "vir05_1c_8g"},
		"910B4-1 halves are 32 GB":               {"910B4-1", []string{"vir10_3c_32g", "vir05_1c_16g"}, "vir10_3c_32g"},
		"310P3 eight vir01 from physical memory": {"310P3", repeat("vir01", 8), "vir01"},
		"310P3 vir04 twice":                      {"310P3", []string{"vir04", "vir04"}, "vir01"},
		"910C per die":                           {"910C", []string{"vir12_3c_32g", "vir06_1c_16g", "vir06_1c_16g"}, "vir03_1c_8g"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := fakesdktest.Start(t, NewFake, ForModel(tc.model, "n"), FakeOptions{})
			var ids []uint32
			for _, tmpl := range tc.fill {
				p, err := f.CreatePartition(1, tmpl)
				require.NoError(t, err, tmpl)
				ids = append(ids, p.ID)
			}
			_, err := f.CreatePartition(1, tc.refused)
			require.ErrorIs(t, err, sdkerr.ErrInsufficient)
			var dcmiErr *Error
			require.ErrorAs(t, err, &dcmiErr)
			require.Equal(t, CodeResourceOccupied, dcmiErr.Code)
			_, err = f.CreatePartition(0, tc.refused)
			require.NoError(t, err, "another device is untouched")
			require.NoError(t, f.DestroyPartition(1, ids[0]))
			_, err = f.CreatePartition(1, tc.refused)
			require.NoError(t, err, "freed resources are reused")
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestFakeErrorsMatchTheBinding(t *testing.T) {
	t.Parallel()
	f, err := NewFake(ForModel("910B3", "n"), FakeOptions{})
	require.NoError(t, err)
	fakesdktest.CheckGuard(t, f, fakesdktest.Guard{
		Call:    func(i int) error { _, err := f.Device(i); return err },
		Unknown: 8, UnknownErr: sdkerr.ErrNoDevice,
	})
	require.NoError(t, f.Init())
	_, err = f.CreatePartition(0, "vir05_1c_8g")
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument, "a 910B4 template on a 910B3")
	require.ErrorContains(t, err, "dcmi_create_vdevice(0, 0, vir05_1c_8g): -8001 DCMI_ERR_CODE_INVALID_PARAMETER")
	err = f.DestroyPartition(0, 100)
	require.ErrorIs(t, err, sdkerr.ErrNotFound)
	p, err := f.CreatePartition(0, "vir05_1c_16g")
	require.NoError(t, err)
	require.ErrorIs(t, f.DestroyPartition(1, p.ID), sdkerr.ErrNotFound, "the id belongs to device 0")
	require.NoError(t, f.Shutdown())
	_, err = f.Partitions(0)
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
}

func TestFakeStateAndDeviceNodesSurviveReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := FakeOptions{StatePath: filepath.Join(dir, "state.json"), DevRoot: filepath.Join(dir, "root")}
	f := fakesdktest.Start(t, NewFake, ForModel("310P3", "n"), opts)
	for _, n := range append(ControlDevicePaths(), "/dev/davinci0", "/dev/davinci7") {
		require.FileExists(t, filepath.Join(opts.DevRoot, n))
	}
	a, err := f.CreatePartition(2, "vir02")
	require.NoError(t, err)
	b, err := f.CreatePartition(2, "vir04")
	require.NoError(t, err)
	require.Equal(t, []uint32{132, 133}, []uint32{a.ID, b.ID})
	require.FileExists(t, filepath.Join(opts.DevRoot, "/dev/vdavinci132"))

	again := fakesdktest.Start(t, NewFake, ForModel("310P3", "n"), opts)
	got, err := again.Partitions(2)
	require.NoError(t, err)
	require.Equal(t, []Partition{a, b}, got)
	_, err = again.CreatePartition(2, "vir04")
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "the reopened fake still counts the old vNPUs")
	require.NoError(t, again.DestroyPartition(2, a.ID))
	require.NoFileExists(t, filepath.Join(opts.DevRoot, "/dev/vdavinci132"))
	c, err := again.CreatePartition(2, "vir01")
	require.NoError(t, err)
	require.Equal(t, uint32(132), c.ID, "the freed slot is reused")
}

func TestFakeHealthUtilizationMemory(t *testing.T) {
	t.Parallel()
	desc := ForModel("910B4", "n")
	desc.Unhealthy = []int{3}
	f := fakesdktest.Start(t, NewFake, desc, FakeOptions{})
	h, err := f.Health(3)
	require.NoError(t, err)
	require.False(t, h.Healthy())
	f.SetHealthy(3, true)
	f.SetHealthy(0, false)
	h, err = f.Health(3)
	require.NoError(t, err)
	require.True(t, h.Healthy())
	h, err = f.Health(0)
	require.NoError(t, err)
	require.Equal(t, HealthCritical, h)

	f.SetUtilization(1, 42)
	fakesdktest.Want(t, 42)(f.Utilization(1))
	f.SetMemoryUsed(1, 1000)
	fakesdktest.Want(t, Memory{TotalMiB: 32768, UsedMiB: 1000})(f.Memory(1))
	fakesdktest.Want(t, 1)(f.NUMANode(7))
}

func TestFakeDeviceNodesNeedNoRoot(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, NewFake, ForModel("910A", "n"), FakeOptions{})
	_, err := f.CreatePartition(0, "vir02")
	require.NoError(t, err)
	_, err = os.Stat("/dev/vdavinci100")
	require.True(t, os.IsNotExist(err), "no dev root, no device files")
}

func TestFakeConcurrentCreatesNeverOverbook(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, NewFake, ForModel("910B3", "n"), FakeOptions{StatePath: filepath.Join(t.TempDir(), "s.json")})
	const tries = 12
	ids := make(chan uint32, tries)
	var wg sync.WaitGroup
	for range tries {
		wg.Go(func() {
			if p, err := f.CreatePartition(0, "vir05_1c_16g"); err == nil {
				ids <- p.ID
			} else {
				require.ErrorIs(t, err, sdkerr.ErrInsufficient)
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[uint32]bool{}
	for id := range ids {
		require.False(t, seen[id], "vNPU %d handed out twice", id)
		seen[id] = true
	}
	require.Len(t, seen, 4, "20 AI cores hold four 5-core vNPUs")
}
