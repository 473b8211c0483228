package sdk

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
)

const header = "apiVersion: fake.mthreads.hami.io/v1\nkind: FakeSystem\n"

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	cases := map[string]fakesdktest.LoadCase[Description]{
		"defaults": {
			Body: header + "model: MTT S4000\n",
			Want: Description{System: fakesdk.System{APIVersion: FakeAPIVersion, Kind: "FakeSystem", Model: "MTT S4000"}},
		},
		"everything": {
			Body: header + "model: MTT S4000\ndevices: 4\nseed: node-a\nunhealthy: [0, 3]\n",
			Want: Description{System: fakesdk.System{APIVersion: FakeAPIVersion, Kind: "FakeSystem", Model: "MTT S4000", Devices: 4, Seed: "node-a", Unhealthy: []int{0, 3}}},
		},
		"unknown model":      {Body: header + "model: MTT S80\n", WantErr: `model "MTT S80": must be one of MTT S4000`},
		"negative devices":   {Body: header + "model: MTT S4000\ndevices: -1\n", WantErr: "devices -1: must be 1..64"},
		"too many devices":   {Body: header + "model: MTT S4000\ndevices: 65\n", WantErr: "must be 1..64"},
		"unhealthy past end": {Body: header + "model: MTT S4000\ndevices: 2\nunhealthy: [2]\n", WantErr: "unhealthy[0] = 2: must be a device index 0..1"},
		"unhealthy twice":    {Body: header + "model: MTT S4000\nunhealthy: [1, 1]\n", WantErr: "unhealthy[1] = 1: listed twice"},
		"unknown field":      {Body: header + "model: MTT S4000\ndevice: 2\n", WantErr: "device"},
		"wrong apiVersion":   {Body: "apiVersion: fake.metax.hami.io/v1\nkind: FakeSystem\nmodel: MTT S4000\n", WantErr: "want apiVersion fake.mthreads.hami.io/v1"},
	}
	fakesdktest.RunLoad(t, LoadDescription, cases)
}

func TestDescriptionRoundTrip(t *testing.T) {
	t.Parallel()
	d := ForModel("MTT S4000", "node-a")
	d.Devices, d.Unhealthy = 3, []int{2}
	data, err := json.Marshal(d)
	require.NoError(t, err)
	back, err := LoadDescription(fakesdktest.WriteFile(t, string(data)))
	require.NoError(t, err)
	require.Equal(t, d, back)
	require.Equal(t, 3, back.DeviceCount())
}

func FuzzLoadDescription(f *testing.F) {
	seeds := []string{
		header + "model: MTT S4000\n",
		header + "model: MTT S4000\ndevices: 4\nseed: node-a\nunhealthy: [0, 3]\n",
		`{"apiVersion":"fake.mthreads.hami.io/v1","kind":"FakeSystem","model":"MTT S4000","devices":64}`,
		header + "model: MTT S4000\nunhealthy: [9]\n",
		"kind: [\n",
		header + "model: MTT S4000\nunhealthy: []\n",
	}
	fakesdktest.FuzzLoad(f, seeds, LoadDescription, func(t *testing.T, d Description) {
		// Whatever the decoder accepts must build a working fake and
		// survive a round trip.
		fake := fakesdktest.Start(t, NewFake, d, FakeOptions{})
		n, err := fake.DeviceCount()
		require.NoError(t, err)
		require.Positive(t, n)
		if len(d.Unhealthy) == 0 {
			d.Unhealthy = nil // "unhealthy: []" and no list mean the same
		}
		fakesdktest.RoundTrip(t, LoadDescription, d)
	})
}
