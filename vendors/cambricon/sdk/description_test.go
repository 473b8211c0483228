package sdk_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	const head = "apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\n"
	cases := map[string]struct {
		body    string
		want    sdk.Description
		wantErr string
	}{
		"a whole X8 server": {
			body: head + "model: MLU370-X8\nseed: node-a\n",
			want: sdk.ForModel("MLU370-X8", "node-a"),
		},
		"fewer cards, faults": {
			body: head + "model: MLU370-X4\ndevices: 2\nunhealthy: [1]\nsmluDisabled: [0]\n",
			want: sdk.Description{System: fakesdk.System{APIVersion: sdk.APIVersionFake, Kind: "FakeSystem", Model: "MLU370-X4", Devices: 2, Unhealthy: []int{1}}, SMLUDisabled: []int{0}},
		},
		"unknown model":      {body: head + "model: MLU370-X2\n", wantErr: `model "MLU370-X2": must be one of MLU370-X8, MLU370-X4`},
		"misspelt field":     {body: head + "model: MLU370-X8\ndevice: 4\n", wantErr: "device"},
		"too many cards":     {body: head + "model: MLU370-X8\ndevices: 65\n", wantErr: "devices 65: must be 1..64"},
		"negative cards":     {body: head + "model: MLU370-X8\ndevices: -1\n", wantErr: "devices -1"},
		"unhealthy too high": {body: head + "model: MLU370-X8\nunhealthy: [8]\n", wantErr: "unhealthy[0] = 8: must be a device index 0..7"},
		"smlu off too high":  {body: head + "model: MLU370-X4\ndevices: 2\nsmluDisabled: [0, 2]\n", wantErr: "smluDisabled[1] = 2: must be a device index 0..1"},
		"another vendor":     {body: "apiVersion: fake.hygon.hami.io/v1\nkind: FakeSystem\nmodel: Z100\n", wantErr: "want apiVersion fake.cambricon.hami.io/v1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := fakesdktest.WriteFile(t, tc.body)
			d, err := sdk.LoadDescription(path)
			_, ferr := sdk.OpenFake(path, sdk.FakeOptions{})
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.ErrorContains(t, ferr, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.NoError(t, ferr)
			require.Equal(t, tc.want, d)
		})
	}
}

// FuzzLoadDescription: whatever the file holds, loading either fails or
// gives a valid description that a fake can be built from and that reads
// back the same after writing it out again.
func FuzzLoadDescription(f *testing.F) {
	f.Add([]byte("apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\nmodel: MLU370-X8\nseed: n\n"))
	f.Add([]byte("apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\nmodel: MLU370-X4\ndevices: 3\nunhealthy: [0,2]\nsmluDisabled: [1]\n"))
	f.Add([]byte(`{"apiVersion":"fake.cambricon.hami.io/v1","kind":"FakeSystem","model":"MLU370-X8","devices":64}`))
	f.Add([]byte("apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\nmodel: MLU370-X8\nmodel: MLU370-X4\n"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := sdk.LoadDescription(fakesdktest.WriteFile(t, string(body)))
		if err != nil {
			return
		}
		require.NoError(t, d.Validate())
		_, err = sdk.NewFake(d, sdk.FakeOptions{})
		require.NoError(t, err)
		out, err := json.Marshal(d)
		require.NoError(t, err)
		fakesdktest.Want(t, d)(sdk.LoadDescription(fakesdktest.WriteFile(t, string(out))))
	})
}
