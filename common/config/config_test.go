package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/config"
)

func TestDefaultIsValid(t *testing.T) {
	t.Parallel()
	require.NoError(t, config.Default().Validate())
}

func TestDecodeKeepsDefaultsForFieldsLeftOut(t *testing.T) {
	t.Parallel()
	c, err := config.Decode([]byte(`
apiVersion: config.hami.io/v1
kind: HAMiConfig
deviceSplitCount: 4
gpuSchedulerPolicy: binpack
vendors:
  nvidia:
    count: example.com/gpu
nodes:
- name: node-a
  deviceMemoryScaling: 1.5
  filterDevices: {uuids: [GPU-x], indexes: [3]}
`))
	require.NoError(t, err)
	require.Equal(t, int32(4), c.DeviceSplitCount)
	require.Equal(t, 1.0, c.DeviceMemoryScaling)
	require.Equal(t, "binpack", c.GPUSchedulerPolicy)
	require.Equal(t, "binpack", c.NodeSchedulerPolicy)
	require.Equal(t, int32(1), c.DefaultGPUNum)
	require.Equal(t, "example.com/gpu", c.Vendors["nvidia"].Count)
	require.Equal(t, "cambricon.com/mlunum", c.Vendors["cambricon"].Count, "other vendors keep their defaults")

	a := c.ForNode("node-a")
	require.Equal(t, 1.5, a.DeviceMemoryScaling)
	require.Equal(t, int32(4), a.DeviceSplitCount)
	require.True(t, a.Filter.Hides("GPU-x", 0))
	require.True(t, a.Filter.Hides("GPU-y", 3))
	require.False(t, a.Filter.Hides("GPU-y", 2))
	require.Equal(t, 1.0, c.ForNode("node-b").DeviceMemoryScaling)
}

func TestDecodeNamesEachInvalidField(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		doc  string
		want string
	}{
		"unknown field":        {`deviceSplitCont: 3`, `unknown field "deviceSplitCont"`},
		"memory scaling":       {`deviceMemoryScaling: 0.5`, `deviceMemoryScaling: Invalid value: 0.5: must be a number of at least 1 (1 = no oversubscription)`},
		"core scaling":         {`deviceCoreScaling: 0`, `deviceCoreScaling: Invalid value: 0`},
		"split count":          {`deviceSplitCount: 0`, `deviceSplitCount: Invalid value: 0: must be at least 1 (1 = no sharing)`},
		"mig strategy":         {`migStrategy: single`, `migStrategy: Unsupported value: "single": supported values: "none", "mixed"`},
		"default mem":          {`defaultMem: -5`, `defaultMem: Invalid value: -5: must be 0 (whole device) or a positive number of MiB`},
		"default cores":        {`defaultCores: 101`, `defaultCores: Invalid value: 101: must be in 0..100 (percent of a device)`},
		"default gpu num":      {`defaultGPUNum: 0`, `defaultGPUNum: Invalid value: 0: must be at least 1`},
		"node policy":          {`nodeSchedulerPolicy: numa`, `nodeSchedulerPolicy: Unsupported value: "numa": supported values: "binpack", "spread"`},
		"gpu policy":           {`gpuSchedulerPolicy: random`, `gpuSchedulerPolicy: Unsupported value: "random": supported values: "binpack", "spread", "topology-aware", "numa"`},
		"wrong type":           {`deviceSplitCount: many`, `field deviceSplitCount: cannot use string as int32`},
		"api version":          {`apiVersion: config.hami.io/v9`, `apiVersion "config.hami.io/v9" is not supported (supported: config.hami.io/v1)`},
		"kind":                 {`kind: Other`, `kind: Unsupported value: "Other"`},
		"vendor name clash":    {"vendors:\n  cambricon: {count: nvidia.com/gpu}", `vendors[nvidia]: Duplicate value: "nvidia.com/gpu (also used by vendor cambricon)"`},
		"vendor without count": {"vendors:\n  acme: {memory: acme.com/mem}", `vendors[acme].count: Required value`},
		"bad resource name":    {"vendors:\n  acme: {count: 'not a name!'}", `vendors[acme].count: Invalid value: "not a name!"`},
		"node without name":    {"nodes:\n- deviceSplitCount: 2", `nodes[0].name: Required value`},
		"node duplicate":       {"nodes:\n- name: a\n- name: a", `nodes[1].name: Duplicate value: "a"`},
		"node override value":  {"nodes:\n- name: a\n  deviceSplitCount: -1\n  migStrategy: x", `nodes[0].deviceSplitCount: Invalid value: -1`},
		"node filter index":    {"nodes:\n- name: a\n  filterDevices: {indexes: [-1]}", `nodes[0].filterDevices.indexes[0]: Invalid value: -1: must not be negative`},
		"duplicate yaml key":   {"defaultMem: 1\ndefaultMem: 2", `already set in map`},
		"empty":                {``, `empty document`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Decode([]byte(tc.doc))
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestDecodeReportsEveryInvalidFieldAtOnce(t *testing.T) {
	t.Parallel()
	_, err := config.Decode([]byte("deviceSplitCount: 0\ndefaultGPUNum: 0\nmigStrategy: x"))
	require.ErrorContains(t, err, "deviceSplitCount")
	require.ErrorContains(t, err, "defaultGPUNum")
	require.ErrorContains(t, err, "migStrategy")
}

func TestLoad(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte("defaultCores: 10\n"), 0o600))
	c, err := config.Load(path)
	require.NoError(t, err)
	require.Equal(t, int32(10), c.DefaultCores)

	_, err = config.Load(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorContains(t, err, "read config")
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("deviceSplitCount: 4\nnodes:\n- name: a\n  deviceMemoryScaling: 2"))
	f.Add([]byte(`{"apiVersion":"config.hami.io/v1","vendors":{"x":{"count":"x.com/y","aliases":[{"name":"a.b/c","role":"cores"}]}}}`))
	f.Add([]byte("- just\n- a list"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.Decode(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Decode returned a config that does not validate: %v", err)
		}
	})
}
