package vdcu_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
)

func request(pod string, cores int32) vdcu.Request {
	return vdcu.Request{
		Pod: types.UID(pod), Namespace: "default", Name: pod, Container: "main",
		Card: "DCU-0", Index: 0, BusID: "0000:10:00.0", ComputeUnits: 60, Cores: cores, MemoryMiB: 2000,
	}
}

// TestConcurrentCreatesGetDisjointMasks is HAMi's known race: pods
// admitted at once onto one card must never share a CU.
func TestConcurrentCreatesGetDisjointMasks(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	d := vdcu.NewDriver(root, 4)
	m, err := partition.NewManager("hygon", filepath.Join(root, "partitions.json"), d)
	require.NoError(t, err)
	var wg sync.WaitGroup
	made := make([]partition.Instance, 4)
	errs := make([]error, 4)
	for i := range made {
		wg.Go(func() {
			r := request(fmt.Sprintf("pod-%d", i), 25)
			made[i], errs[i] = m.Ensure(context.Background(), r.Pod, r.Container, r.Card, d.Create(r))
		})
	}
	wg.Wait()
	masks := make([]vdcu.Mask, len(made))
	for i, in := range made {
		require.NoError(t, errs[i])
		data, err := vdcu.DataOf(in)
		require.NoError(t, err)
		masks[i] = data.Mask
	}
	var all vdcu.Mask
	for i, mk := range masks {
		require.Equal(t, 15, mk.Count(), "25%% of 60 CUs")
		require.False(t, all.Overlaps(mk), "vDCU %d shares a CU", i)
		all = all.Union(mk)
	}
	require.Equal(t, 60, all.Count())
}

func TestCreateRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	d := vdcu.NewDriver(root, 2)
	m, err := partition.NewManager("hygon", "", d)
	require.NoError(t, err)
	a := request("a", 60)
	_, err = m.Ensure(ctx, a.Pod, a.Container, a.Card, d.Create(a))
	require.NoError(t, err)

	big := request("big", 50)
	_, err = m.Ensure(ctx, big.Pod, big.Container, big.Card, d.Create(big))
	require.ErrorIs(t, err, vdcu.ErrNoComputeUnits)
	require.ErrorContains(t, err, "24 of 60 compute units are free, the vDCU needs 30")

	other := request("other-card", 50)
	other.Card = "DCU-1"
	_, err = m.Ensure(ctx, other.Pod, other.Container, other.Card, d.Create(other))
	require.NoError(t, err, "another card's CUs are its own")

	b := request("b", 10)
	_, err = m.Ensure(ctx, b.Pod, b.Container, b.Card, d.Create(b))
	require.NoError(t, err)
	c := request("c", 10)
	_, err = m.Ensure(ctx, c.Pod, c.Container, c.Card, d.Create(c))
	require.ErrorIs(t, err, vdcu.ErrCardFull)
}

func TestWriteAndDestroy(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	d := vdcu.NewDriver(root, 4)
	r := request("p", 15)
	in, err := d.Create(r)(context.Background(), nil)
	require.NoError(t, err)
	in.Device = r.Card
	data, err := vdcu.Write(in)
	require.NoError(t, err)
	require.Equal(t, d.Dir(r.Pod, r.Container), data.Dir)
	raw, err := os.ReadFile(filepath.Join(data.Dir, vdcu.ConfigFile))
	require.NoError(t, err)
	c, err := vdcu.DecodeConfig(raw)
	require.NoError(t, err)
	require.Equal(t, 9, c.Mask.Count())
	require.Equal(t, uint64(2000)<<20, c.MemLimit)
	require.Equal(t, "DCU-0", c.UUID)

	require.NoError(t, d.Destroy(context.Background(), in))
	_, err = os.Stat(data.Dir)
	require.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, d.Destroy(context.Background(), in), "an instance already gone is destroyed")

	in.ID = "someone-else"
	require.ErrorContains(t, d.Destroy(context.Background(), in), "is not the instance's")
}
