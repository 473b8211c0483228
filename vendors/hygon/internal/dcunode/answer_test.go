package dcunode_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/vendors/hygon/internal/dcunode"
	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
)

func TestAnswerVDCU(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		mem, wantMem int64
		cores        int32
		wantCUs      int
	}{
		"memory and cores": {mem: 2000, wantMem: 2000, cores: 15, wantCUs: 9},
		// HAMi made no vDCU here, leaving the card whole to the container.
		"cores only":         {mem: 0, wantMem: 32768, cores: 30, wantCUs: 18},
		"memory beyond card": {mem: 99999, wantMem: 32768, cores: 50, wantCUs: 30},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, t.TempDir())
			require.NoError(t, os.Mkdir(filepath.Join(r.dir, "hyhal"), 0o755))
			resp, err := r.allocate(t, "p", share(dcunode.ModeVDCU, tc.mem, tc.cores, r.uuid(1)))
			require.NoError(t, err)
			require.Equal(t, []string{"/dev/kfd", "/dev/mkfd", "/dev/dri/card1", "/dev/dri/renderD129"}, devicePaths(resp))
			for _, d := range resp.Devices {
				require.Equal(t, filepath.Join(r.dir, "root", d.ContainerPath), d.HostPath)
			}
			hyhal, ok := mountOf(resp, dcunode.ContainerHyhal)
			require.True(t, ok)
			require.True(t, hyhal.ReadOnly)
			m, ok := mountOf(resp, vdcu.ContainerDir)
			require.True(t, ok, "the vDCU config is mounted")
			require.True(t, m.ReadOnly)
			require.Equal(t, filepath.Join(r.dir, "vdev", "uid-p_main"), m.HostPath)
			raw, err := os.ReadFile(filepath.Join(m.HostPath, vdcu.ConfigFile))
			require.NoError(t, err)
			c, err := vdcu.DecodeConfig(raw)
			require.NoError(t, err)
			require.Equal(t, tc.wantCUs, c.Mask.Count())
			require.Equal(t, uint64(tc.wantMem)<<20, c.MemLimit)
			require.Equal(t, 1, c.DeviceID)
			require.Equal(t, r.uuid(1), c.UUID)
		})
	}
}

func TestAnswerWholeCards(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		mode  string
		cores int32
		cards []int
	}{
		"exclusive mode":     {mode: device.ModeExclusive, cards: []int{0, 3}},
		"vdcu at 100 cores":  {mode: dcunode.ModeVDCU, cores: 100, cards: []int{2}},
		"exclusive one card": {mode: device.ModeExclusive, cores: 100, cards: []int{5}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, t.TempDir())
			var ids []string
			want := []string{"/dev/kfd", "/dev/mkfd"}
			for _, i := range tc.cards {
				ids = append(ids, r.uuid(i))
				want = append(want, "/dev/dri/card"+itoa(i), "/dev/dri/renderD"+itoa(128+i))
			}
			resp, err := r.allocate(t, "p", share(tc.mode, 0, tc.cores, ids...))
			require.NoError(t, err)
			require.Equal(t, want, devicePaths(resp))
			require.Empty(t, resp.Mounts, "no vDCU config, and no DTK directory on this host")
			_, err = os.Stat(filepath.Join(r.dir, "vdev"))
			require.ErrorIs(t, err, os.ErrNotExist, "no vDCU is made")
		})
	}
}

func TestAnswerRefuses(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	tests := map[string]struct {
		mode  string
		cores int32
		ids   []string
		err   string
	}{
		"vDCU over two cards": {mode: dcunode.ModeVDCU, cores: 20, ids: []string{r.uuid(0), r.uuid(1)}, err: "ask for whole cards"},
		"unknown mode":        {mode: device.ModeMIG, cores: 20, ids: []string{r.uuid(0)}, err: `mode "mig" is not supported`},
		"unknown card":        {mode: dcunode.ModeVDCU, cores: 20, ids: []string{"DCU-nope"}, err: "is not on node n1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := r.allocate(t, "p-"+name, share(tc.mode, 1000, tc.cores, tc.ids...))
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// TestAnswerFullCard: a card whose CUs are all held refuses the next vDCU
// with the reason, and another card still serves.
func TestAnswerFullCard(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	_, err := r.allocate(t, "a", share(dcunode.ModeVDCU, 1000, 70, r.uuid(4)))
	require.NoError(t, err)
	_, err = r.allocate(t, "b", share(dcunode.ModeVDCU, 1000, 40, r.uuid(4)))
	require.ErrorIs(t, err, vdcu.ErrNoComputeUnits)
	require.ErrorContains(t, err, "18 of 60 compute units are free, the vDCU needs 24")
	_, err = r.allocate(t, "b", share(dcunode.ModeVDCU, 1000, 40, r.uuid(6)))
	require.NoError(t, err)
}

// TestAnswerMissingDeviceFile: a card whose device file is gone from the
// host (driver not loaded) is refused with the path, not started blind.
func TestAnswerMissingDeviceFile(t *testing.T) {
	t.Parallel()
	r := newRig(t, t.TempDir())
	require.NoError(t, os.Remove(filepath.Join(r.dir, "root", "dev", "dri", "renderD131")))
	_, err := r.allocate(t, "p", share(dcunode.ModeVDCU, 1000, 20, r.uuid(3)))
	require.ErrorContains(t, err, "renderD131")
	require.ErrorContains(t, err, "is the DCU driver loaded?")
	_, err = r.allocate(t, "q", share(device.ModeExclusive, 0, 100, r.uuid(2)))
	require.NoError(t, err, "other cards still serve")
}
