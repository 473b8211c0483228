package mig_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/mig"
)

func profile(t *testing.T, g discovery.GPU, name string) discovery.Profile {
	t.Helper()
	for _, p := range g.Profiles {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no profile %s", name)
	return discovery.Profile{}
}

func TestCreateReconcileAcrossRestart(t *testing.T) {
	t.Parallel()
	desc := fake.ForSystem("dgxh100", "n1")
	desc.MIGEnabled = []int{0}
	s, err := fake.New(desc)
	require.NoError(t, err)
	gpus, err := discovery.Discover(s)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "partitions.json")
	ctx := context.Background()
	d := mig.NewDriver(s)
	m, err := partition.NewManager("nvidia", path, d)
	require.NoError(t, err)
	g := gpus[0]
	a, err := m.Ensure(ctx, "pod-a", "main", g.UUID, d.Create(g.UUID, profile(t, g, "3g.40gb"), 4))
	require.NoError(t, err)
	again, err := m.Ensure(ctx, "pod-a", "main", g.UUID, d.Create(g.UUID, profile(t, g, "3g.40gb"), 4))
	require.NoError(t, err)
	require.Equal(t, a, again, "a repeated Allocate reuses the instance")
	b, err := m.Ensure(ctx, "pod-b", "main", g.UUID, d.Create(g.UUID, profile(t, g, "1g.10gb"), 0))
	require.NoError(t, err)
	require.NotEqual(t, a.ID, b.ID)

	// The plugin restarts: the checkpoint still knows both; pod-a is gone.
	m2, err := partition.NewManager("nvidia", path, d)
	require.NoError(t, err)
	require.Len(t, m2.Instances(), 2)
	require.NoError(t, m2.Reconcile(ctx, map[types.UID]bool{"pod-b": true}, time.Now()))
	left := m2.Instances()
	require.Len(t, left, 1)
	require.Equal(t, b.ID, left[0].ID)
	dev, _ := s.DeviceGetHandleByUUID(g.UUID)
	n, _ := dev.GetMaxMigDeviceCount()
	var uuids []string
	for i := range n {
		if md, ret := dev.GetMigDeviceHandleByIndex(i); ret == 0 {
			u, _ := md.GetUUID()
			uuids = append(uuids, u)
		}
	}
	require.Equal(t, []string{b.ID}, uuids, "pod-a's MIG device is destroyed in NVML")
}

func TestCreateOnAGPUNotInMIGModeFails(t *testing.T) {
	t.Parallel()
	s, err := fake.New(fake.ForSystem("dgxh100", "n1"))
	require.NoError(t, err)
	gpus, err := discovery.Discover(s)
	require.NoError(t, err)
	d := mig.NewDriver(s)
	_, err = d.Create(gpus[1].UUID, discovery.Profile{Name: "1g.10gb", Slices: 1}, 0)(context.Background(), nil)
	require.ErrorIs(t, err, mig.ErrMIGDisabled)
}
