package mig_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/vendors/nvidia/internal/allocator"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/mig"
)

func TestCreateReconcileAcrossRestart(t *testing.T) {
	t.Parallel()
	desc := fake.ForSystem("dgxh100", "n1")
	desc.MIGEnabled = []int{0}
	s, err := fake.New(desc)
	require.NoError(t, err)
	gpus, err := discovery.Discover(s)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "mig.json")
	ctx := context.Background()
	m, err := mig.NewManager(s, path)
	require.NoError(t, err)
	prof, ok := allocator.ProfileByName(gpus[0].Profiles, "3g.40gb")
	require.True(t, ok)
	a, err := m.Create(ctx, gpus[0].UUID, prof, 4, "pod-a", "main")
	require.NoError(t, err)
	again, err := m.Create(ctx, gpus[0].UUID, prof, 4, "pod-a", "main")
	require.NoError(t, err)
	require.Equal(t, a, again, "a repeated Allocate reuses the instance")
	small, _ := allocator.ProfileByName(gpus[0].Profiles, "1g.10gb")
	b, err := m.Create(ctx, gpus[0].UUID, small, 0, "pod-b", "main")
	require.NoError(t, err)
	require.NotEqual(t, a, b)

	// The plugin restarts: the checkpoint still knows both; pod-a is gone.
	m2, err := mig.NewManager(s, path)
	require.NoError(t, err)
	require.Len(t, m2.Instances(), 2)
	require.NoError(t, m2.Reconcile(ctx, map[types.UID]bool{"pod-b": true}))
	left := m2.Instances()
	require.Len(t, left, 1)
	require.Equal(t, b, left[0].UUID)
	d, _ := s.DeviceGetHandleByUUID(gpus[0].UUID)
	n, _ := d.GetMaxMigDeviceCount()
	var uuids []string
	for i := range n {
		if md, ret := d.GetMigDeviceHandleByIndex(i); ret == 0 {
			u, _ := md.GetUUID()
			uuids = append(uuids, u)
		}
	}
	require.Equal(t, []string{b}, uuids, "pod-a's MIG device is destroyed in NVML")
}
