package sdk_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/vendors/iluvatar/sdk"
)

const header = "apiVersion: fake.iluvatar.hami.io/v1\nkind: FakeSystem\n"

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	cases := map[string]fakesdktest.LoadCase[sdk.Description]{
		"usual server": {
			Body: header + "model: BI-V100\nseed: n1\n",
			Want: sdk.ForModel("BI-V100", "n1"),
		},
		"everything": {
			Body: header + "model: BI-V150\ndevices: 4\nseed: n1\nunhealthy: [0, 3]\n",
			Want: sdk.Description{System: fakesdk.System{APIVersion: sdk.APIVersionFake, Kind: "FakeSystem", Model: "BI-V150", Devices: 4, Seed: "n1", Unhealthy: []int{0, 3}}},
		},
		"unknown model":      {Body: header + "model: BI-V200\n", WantErr: `model "BI-V200": must be one of BI-V100, BI-V150`},
		"no model":           {Body: header, WantErr: `model "": must be one of`},
		"unknown field":      {Body: header + "model: BI-V100\nchips: 2\n", WantErr: "chips"},
		"wrong version":      {Body: "apiVersion: fake.iluvatar.hami.io/v2\nkind: FakeSystem\nmodel: BI-V100\n", WantErr: "want apiVersion fake.iluvatar.hami.io/v1"},
		"wrong kind":         {Body: "apiVersion: fake.iluvatar.hami.io/v1\nkind: Other\nmodel: BI-V100\n", WantErr: "kind FakeSystem"},
		"negative devices":   {Body: header + "model: BI-V100\ndevices: -1\n", WantErr: "devices -1: must be 1..64, or 0 for the model's usual server"},
		"too many devices":   {Body: header + "model: BI-V100\ndevices: 65\n", WantErr: "devices 65: must be 1..64"},
		"half a board":       {Body: header + "model: BI-V150\ndevices: 3\n", WantErr: "use a multiple of 2"},
		"unhealthy too high": {Body: header + "model: BI-V150\ndevices: 2\nunhealthy: [2]\n", WantErr: "unhealthy[0] = 2: must be a device index 0..1"},
		"unhealthy twice":    {Body: header + "model: BI-V100\nunhealthy: [1, 1]\n", WantErr: "unhealthy[1] = 1: listed twice"},
		"not yaml":           {Body: "{", WantErr: "fake description"},
	}
	fakesdktest.RunLoad(t, sdk.LoadDescription, cases)
}

func TestModels(t *testing.T) {
	t.Parallel()
	for _, m := range sdk.Models() {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			fakesdktest.Want(t, m)(sdk.LookupModel(m.Name))
			require.Equal(t, uint64(32768), m.MemoryMiB, "32 GB per chip")
			require.Zero(t, m.ServerChips%m.ChipsPerBoard, "whole boards")
		})
	}
	v150, err := sdk.LookupModel("BI-V150")
	require.NoError(t, err)
	require.Equal(t, 2, v150.ChipsPerBoard)
}

// FuzzLoadDescription: any input either fails with an error or gives a
// valid description that survives a round trip through JSON.
func FuzzLoadDescription(f *testing.F) {
	seeds := []string{
		header + "model: BI-V100\n",
		header + "model: BI-V150\ndevices: 4\nseed: n1\nunhealthy: [0, 3]\n",
		header + "model: BI-V150\ndevices: 3\n",
		`{"apiVersion":"fake.iluvatar.hami.io/v1","kind":"FakeSystem","model":"BI-V100","unhealthy":[-1]}`,
		"kind: [\n",
	}
	fakesdktest.FuzzLoad(f, seeds, sdk.LoadDescription, func(t *testing.T, d sdk.Description) {
		require.NoError(t, d.Validate())
		fakesdktest.RoundTrip(t, sdk.LoadDescription, d)
		_, err := sdk.NewFake(d, sdk.FakeOptions{})
		require.NoError(t, err)
	})
}
