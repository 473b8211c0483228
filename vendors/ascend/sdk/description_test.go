package sdk

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
)

func TestDescriptionValidate(t *testing.T) {
	t.Parallel()
	cases := map[string]fakesdktest.ValidateCase[Description]{
		"server":             {Desc: ForModel("910B3", "n")},
		"910C pairs":         {Desc: Description{System: fakesdk.System{Model: "910C", Devices: 4}}},
		"unknown model":      {Desc: Description{System: fakesdk.System{Model: "910Z"}}, WantErr: `model "910Z": must be one of 310P3, 910A, 910B3, 910B4, 910B4-1, 910C`},
		"negative devices":   {Desc: Description{System: fakesdk.System{Model: "910A", Devices: -1}}, WantErr: "devices -1"},
		"odd 910C":           {Desc: Description{System: fakesdk.System{Model: "910C", Devices: 5}}, WantErr: "multiple of 2"},
		"unhealthy too high": {Desc: Description{System: fakesdk.System{Model: "310P3", Devices: 2, Unhealthy: []int{2}}}, WantErr: "unhealthy[0] = 2: must be a device index 0..1"},
		"unhealthy twice":    {Desc: Description{System: fakesdk.System{Model: "310P3", Unhealthy: []int{1, 1}}}, WantErr: "unhealthy[1] = 1: listed twice"},
	}
	fakesdktest.RunValidate(t, func(d Description) error { return d.Validate() }, cases)
}

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	cases := map[string]fakesdktest.LoadCase[Description]{
		"good": {
			Body: "apiVersion: fake.ascend.hami.io/v1\nkind: FakeSystem\nmodel: 910B4-1\ndevices: 4\nseed: node-a\nunhealthy: [1]\n",
			Want: Description{System: fakesdk.System{APIVersion: APIVersionFake, Kind: "FakeSystem", Model: "910B4-1", Devices: 4, Seed: "node-a", Unhealthy: []int{1}}},
		},
		"unknown field": {Body: "apiVersion: fake.ascend.hami.io/v1\nkind: FakeSystem\nmodel: 910A\ngpus: 2\n", WantErr: "gpus"},
		"wrong version": {Body: "apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nmodel: 910A\n", WantErr: "not supported"},
		"invalid":       {Body: "apiVersion: fake.ascend.hami.io/v1\nkind: FakeSystem\nmodel: \"910\"\n", WantErr: `model "910"`},
	}
	fakesdktest.RunLoad(t, LoadDescription, cases)
}

func FuzzLoadDescription(f *testing.F) {
	seeds := []string{
		"apiVersion: fake.ascend.hami.io/v1\nkind: FakeSystem\nmodel: 910B3\n",
		"apiVersion: fake.ascend.hami.io/v1\nkind: FakeSystem\nmodel: 910C\ndevices: 4\nunhealthy: [0, 3]\n",
		`{"apiVersion":"fake.ascend.hami.io/v1","kind":"FakeSystem","model":"310P3","devices":-2}`,
		"model: [\n",
	}
	fakesdktest.FuzzLoad(f, seeds, LoadDescription, func(t *testing.T, d Description) {
		// Whatever loads must build a fake.
		fake := fakesdktest.Start(t, NewFake, d, FakeOptions{})
		n, err := fake.DeviceCount()
		require.NoError(t, err)
		require.Positive(t, n)
	})
}
