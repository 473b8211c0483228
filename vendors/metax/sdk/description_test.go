package sdk

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
)

func TestDescriptionValidate(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		change  func(d *Description)
		wantErr string
	}{
		"whole server":         {change: func(*Description) {}},
		"fewer devices":        {change: func(d *Description) { d.Devices = 2; d.Unhealthy = []int{1} }},
		"unknown model":        {change: func(d *Description) { d.Model = "C501" }, wantErr: `model "C501": must be one of C500, C500-32G`},
		"negative devices":     {change: func(d *Description) { d.Devices = -1 }, wantErr: "devices -1: must be 1..64"},
		"unhealthy too high":   {change: func(d *Description) { d.Devices = 2; d.Unhealthy = []int{2} }, wantErr: "unhealthy[0] = 2: must be a device index 0..1"},
		"sgpuDisabled twice":   {change: func(d *Description) { d.SgpuDisabled = []int{1, 1} }, wantErr: "sgpuDisabled[1] = 1: listed twice"},
		"unknown sched class":  {change: func(d *Description) { d.SchedClass = "gold" }, wantErr: `schedClass "gold": must be one of [best-effort fixed-share burst-share]`},
		"known sched class":    {change: func(d *Description) { d.SchedClass = SchedFixedShare }},
		"device sched class":   {change: func(d *Description) { d.DeviceSchedClasses = map[int]SchedClass{7: SchedBurstShare} }},
		"device out of range":  {change: func(d *Description) { d.DeviceSchedClasses = map[int]SchedClass{8: SchedBurstShare} }, wantErr: "deviceSchedClasses[0] = 8"},
		"device class unknown": {change: func(d *Description) { d.DeviceSchedClasses = map[int]SchedClass{0: "x"} }, wantErr: `deviceSchedClasses: device 0: "x" must be one of`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := ForModel(ModelC500, "n")
			tc.change(&d)
			err := d.Validate()
			if !fakesdktest.CheckErr(t, err, tc.wantErr) {
				return
			}
		})
	}
}

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	cases := map[string]fakesdktest.LoadCase[Description]{
		"yaml": {
			Body: "apiVersion: fake.metax.hami.io/v1\nkind: FakeSystem\nmodel: C500-32G\ndevices: 4\nseed: node-a\nunhealthy: [3]\nschedClass: fixed-share\ndeviceSchedClasses:\n  2: burst-share\n",
			Want: Description{System: fakesdk.System{APIVersion: APIVersionDescription, Kind: "FakeSystem", Model: ModelC500With32G,
				Devices: 4, Seed: "node-a", Unhealthy: []int{3}}, SchedClass: SchedFixedShare,
				DeviceSchedClasses: map[int]SchedClass{2: SchedBurstShare}},
		},
		"unknown field":   {Body: "apiVersion: fake.metax.hami.io/v1\nkind: FakeSystem\nmodel: C500\ngpus: 2\n", WantErr: "gpus"},
		"another vendor":  {Body: "apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nmodel: C500\n", WantErr: "want apiVersion fake.metax.hami.io/v1"},
		"invalid content": {Body: "apiVersion: fake.metax.hami.io/v1\nkind: FakeSystem\nmodel: N100\n", WantErr: `model "N100"`},
	}
	fakesdktest.RunLoad(t, LoadDescription, cases)
	yaml := cases["yaml"].Want
	require.Equal(t, 4, yaml.DeviceCount())
	_, err := LoadDescription(filepath.Join(t.TempDir(), "absent.yaml"))
	require.ErrorContains(t, err, "absent.yaml")
}

// FuzzLoadDescription checks that no file makes the decoder panic and that
// whatever it accepts is valid and builds a fake.
func FuzzLoadDescription(f *testing.F) {
	seeds := []string{
		"apiVersion: fake.metax.hami.io/v1\nkind: FakeSystem\nmodel: C500\n",
		"apiVersion: fake.metax.hami.io/v1\nkind: FakeSystem\nmodel: C500-32G\ndevices: 3\nunhealthy: [0, 2]\nsgpuDisabled: [1]\n",
		`{"apiVersion":"fake.metax.hami.io/v1","kind":"FakeSystem","model":"C500","schedClass":"burst-share"}`,
		"apiVersion: fake.metax.hami.io/v1\nkind: FakeSystem\nmodel: C500\ndevices: -4\n",
		"apiVersion: fake.metax.hami.io/v1\nkind: FakeSystem\nmodel: C500\ndeviceSchedClasses: {1: fixed-share, 6: burst-share}\n",
		"model: [",
		"",
	}
	fakesdktest.FuzzLoad(f, seeds, LoadDescription, func(t *testing.T, d Description) {
		require.NoError(t, d.Validate())
		_, err := NewFake(d, FakeOptions{})
		require.NoError(t, err)
	})
}
