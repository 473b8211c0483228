package sdk

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
)

// TestFakeAnswersAsTheBindingDoes runs the same questions against the
// binding over the C mock and the fake of the same two cards: a plugin
// tested on the fake must meet the same values and errors on a node.
func TestFakeAnswersAsTheBindingDoes(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, mockConfig{devices: 2, failCall: "mtmlGpuGetUtilization", failAt: 1, failCode: ErrorDriverFailure})
	require.NoError(t, b.Init())
	d := ForModel("MTT S4000", "n")
	d.Devices, d.Unhealthy = 2, []int{1}
	f := fakesdktest.Start(t, NewFake, d, FakeOptions{})

	for name, lib := range map[string]Library{"binding": b, "fake": f} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fakesdktest.Want(t, 2)(lib.DeviceCount())
			dev, err := lib.Device(0)
			require.NoError(t, err)
			require.Equal(t, "MTT S4000", dev.Name)
			require.Equal(t, VendorID, dev.PCI.VendorID)
			mem, err := lib.Memory(0)
			require.NoError(t, err)
			require.Equal(t, uint64(49152), mem.TotalMiB)

			_, err = lib.Device(2)
			require.EqualError(t, err, "mtmlLibraryInitDeviceByIndex(2): MTML_ERROR_INVALID_ARGUMENT (3): invalid argument")
			_, err = lib.Utilization(1)
			require.EqualError(t, err, "mtmlGpuGetUtilization(1): MTML_ERROR_DRIVER_FAILURE (2): library failure")
			healthy, err := lib.Healthy(1)
			require.NoError(t, err)
			require.False(t, healthy)

			links, err := lib.Links(0)
			require.NoError(t, err)
			require.Len(t, links, 1)
			require.Equal(t, LinkMTLink, links[0].Kind)
			fakesdktest.Want(t, (Model{Name: "MTT S4000", MemoryMiB: 49152, CoreGroups: 16}).VirtTypes())(lib.VirtTypes(0))
		})
	}
}
