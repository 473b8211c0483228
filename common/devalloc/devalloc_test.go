package devalloc_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/devalloc"
	"github.com/hami-project/hami/common/device"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	inv := &device.NodeInventory{Node: "n1", Vendor: "hygon", Devices: []device.Device{
		{ID: "a", Healthy: true, SplitCount: 4},
		{ID: "b", Healthy: false, SplitCount: 4},
		{ID: "c", Healthy: true, SplitCount: 4},
	}}
	cases := map[string]struct {
		devs    []allocation.Device
		want    []string
		wantErr string
	}{
		"in the scheduler's order": {devs: []allocation.Device{{ID: "c", Mode: "hami-core"}, {ID: "a", Mode: "hami-core"}}, want: []string{"c", "a"}},
		"unknown":                  {devs: []allocation.Device{{ID: "z", Mode: "hami-core"}}, wantErr: "device z chosen by the scheduler is not on node n1"},
		"unhealthy":                {devs: []allocation.Device{{ID: "b", Mode: "hami-core"}}, wantErr: "device b is unhealthy"},
		"mixed modes":              {devs: []allocation.Device{{ID: "a", Mode: "hami-core"}, {ID: "c", Mode: "exclusive"}}, wantErr: "mixes modes"},
		"none":                     {wantErr: "chose no hygon device"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := devalloc.Check(inv, tc.devs)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			ids := make([]string, len(got))
			for i, d := range got {
				ids[i] = d.ID
			}
			require.Equal(t, tc.want, ids)
		})
	}
}

func TestDevicesAdvertisesSplitCountReplicas(t *testing.T) {
	t.Parallel()
	inv := &device.NodeInventory{Devices: []device.Device{
		{ID: "a", Healthy: true, SplitCount: 3, NUMA: 0},
		{ID: "b", Healthy: false, SplitCount: 2, NUMA: 1},
	}}
	a := devalloc.New(func() *device.NodeInventory { return inv }, nil, nil)
	devs := a.Devices()
	require.Len(t, devs, 5)
	unhealthy := 0
	for _, d := range devs {
		if d.Health != "Healthy" {
			unhealthy++
		}
	}
	require.Equal(t, 2, unhealthy)
}
