package sdk_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	const head = "apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\n"
	cases := map[string]fakesdktest.LoadCase[sdk.Description]{
		"a whole X8 server": {
			Body: head + "model: MLU370-X8\nseed: node-a\n",
			Want: sdk.ForModel("MLU370-X8", "node-a"),
		},
		"fewer cards, faults": {
			Body: head + "model: MLU370-X4\ndevices: 2\nunhealthy: [1]\nsmluDisabled: [0]\n",
			Want: sdk.Description{System: fakesdk.System{APIVersion: sdk.APIVersionFake, Kind: "FakeSystem", Model: "MLU370-X4", Devices: 2, Unhealthy: []int{1}}, SMLUDisabled: []int{0}},
		},
		"unknown model":      {Body: head + "model: MLU370-X2\n", WantErr: `model "MLU370-X2": must be one of MLU370-X8, MLU370-X4`},
		"misspelt field":     {Body: head + "model: MLU370-X8\ndevice: 4\n", WantErr: "device"},
		"too many cards":     {Body: head + "model: MLU370-X8\ndevices: 65\n", WantErr: "devices 65: must be 1..64"},
		"negative cards":     {Body: head + "model: MLU370-X8\ndevices: -1\n", WantErr: "devices -1"},
		"unhealthy too high": {Body: head + "model: MLU370-X8\nunhealthy: [8]\n", WantErr: "unhealthy[0] = 8: must be a device index 0..7"},
		"smlu off too high":  {Body: head + "model: MLU370-X4\ndevices: 2\nsmluDisabled: [0, 2]\n", WantErr: "smluDisabled[1] = 2: must be a device index 0..1"},
		"another vendor":     {Body: "apiVersion: fake.hygon.hami.io/v1\nkind: FakeSystem\nmodel: Z100\n", WantErr: "want apiVersion fake.cambricon.hami.io/v1"},
	}
	fakesdktest.RunLoad(t, sdk.LoadDescription, cases)
	fakesdktest.RunLoad(t, openFake, cases)
}

// openFake opens a fake of the file, which must refuse what LoadDescription
// refuses, and gives the description it was built from.
func openFake(path string) (sdk.Description, error) {
	if _, err := sdk.OpenFake(path, sdk.FakeOptions{}); err != nil {
		return sdk.Description{}, err
	}
	d, err := sdk.LoadDescription(path)
	if err != nil {
		return d, errors.New("the fake opened a file LoadDescription refuses")
	}
	return d, nil
}

// FuzzLoadDescription: whatever the file holds, loading either fails or
// gives a valid description that a fake can be built from and that reads
// back the same after writing it out again.
func FuzzLoadDescription(f *testing.F) {
	seeds := []string{
		"apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\nmodel: MLU370-X8\nseed: n\n",
		"apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\nmodel: MLU370-X4\ndevices: 3\nunhealthy: [0,2]\nsmluDisabled: [1]\n",
		`{"apiVersion":"fake.cambricon.hami.io/v1","kind":"FakeSystem","model":"MLU370-X8","devices":64}`,
		"apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\nmodel: MLU370-X8\nmodel: MLU370-X4\n",
		"{}",
	}
	fakesdktest.FuzzLoad(f, seeds, sdk.LoadDescription, func(t *testing.T, d sdk.Description) {
		require.NoError(t, d.Validate())
		_, err := sdk.NewFake(d, sdk.FakeOptions{})
		require.NoError(t, err)
		fakesdktest.RoundTrip(t, sdk.LoadDescription, d)
	})
}
