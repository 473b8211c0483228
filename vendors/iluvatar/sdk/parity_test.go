package sdk

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
)

// The fake must fail as the binding does, so code tested on the fake
// handles the real library's errors.
func TestFakeFailsAsTheBindingDoes(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "testdata/mock_ixml.c", 2, 1)
	desc := ForModel("BI-V100", "n")
	desc.Devices = 2
	f := fakesdktest.Start(t, NewFake, desc, FakeOptions{})

	libs := map[string]Library{"binding": b, "fake": f}
	type result struct{ badIndex, badLinks, uninitCount, uninitDevice, uninitLinks, uninitShutdown string }
	got := map[string]result{}
	for name, lib := range libs {
		var r result
		_, err := lib.Device(2)
		r.badIndex = err.Error()
		_, err = lib.Links(-1)
		r.badLinks = err.Error()
		require.NoError(t, lib.Shutdown())
		_, err = lib.DeviceCount()
		r.uninitCount = err.Error()
		_, err = lib.Device(0)
		r.uninitDevice = err.Error()
		_, err = lib.Links(0)
		r.uninitLinks = err.Error()
		r.uninitShutdown = lib.Shutdown().Error()
		got[name] = r
	}
	require.Equal(t, got["binding"], got["fake"])
	require.Equal(t, "ixmlDeviceGetHandleByIndex_v2(2): IXML_ERROR_INVALID_ARGUMENT (2): invalid argument", got["fake"].badIndex)
}

func TestHealthBitsString(t *testing.T) {
	t.Parallel()
	cases := map[HealthBits]string{
		0:                                   "healthy",
		HealthSysHubError:                   "syshub-error",
		HealthMCError | HealthMemoryError:   "mc-error,memory-error",
		HealthPCIeError | HealthBits(0x100): "pcie-error,0x100",
	}
	for bits, want := range cases {
		t.Run(want, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, want, bits.String())
		})
	}
}

func TestLinkKinds(t *testing.T) {
	t.Parallel()
	order := []LinkKind{LinkBoard, LinkSingle, LinkMultiple, LinkHostBridge, LinkNode, LinkSystem}
	for i, k := range order {
		require.NotEqual(t, "unknown", k.String())
		if i > 0 {
			require.Greater(t, order[i-1].Score(), k.Score(), "%s nearer than %s", order[i-1], k)
		}
	}
	require.Equal(t, "unknown", LinkKind(7).String())
	require.Zero(t, LinkKind(7).Score())
}

func TestMemoryMiB(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		total, used uint64
		want        Memory
	}{
		"empty":           {32 << 30, 0, Memory{TotalMiB: 32768, FreeMiB: 32768}},
		"used rounds up":  {32 << 30, 1, Memory{TotalMiB: 32768, UsedMiB: 1, FreeMiB: 32767}},
		"used over total": {(1 << 20) + 5, 3 << 20, Memory{TotalMiB: 1, UsedMiB: 1}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, memoryMiB(tc.total, tc.used))
		})
	}
}

func TestDeviceChipAndFiles(t *testing.T) {
	t.Parallel()
	require.Equal(t, "BI-V100", Device{Name: "Iluvatar BI-V100"}.Chip())
	require.Equal(t, "BI-V100", Device{Name: "BI-V100"}.Chip(), "a driver without the vendor prefix")
	require.Equal(t, "/dev/iluvatar3", DeviceFile(3))
	require.Equal(t, "/dev/itrctl", ControlFile)
}
