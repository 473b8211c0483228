package allocation_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/allocation"
)

func sample() *allocation.Allocation {
	a := allocation.New("node-1")
	a.Containers = []allocation.Container{
		{Name: "warmup", Init: true, Devices: []allocation.Device{{Vendor: "nvidia", ID: "GPU-a", Index: 0, MemoryMiB: 1000, Cores: 10, Mode: "hami-core"}}},
		{Name: "app", Devices: []allocation.Device{
			{Vendor: "nvidia", ID: "GPU-b", Index: 1, MemoryMiB: 19968, Cores: 28, Mode: "mig", Profile: "2g.20gb", Placement: 2},
			{Vendor: "cambricon", ID: "MLU-0", Index: 0, MemoryMiB: 4096, Cores: 0, Mode: "hami-core"},
		}},
	}
	return a
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	v, err := sample().Encode()
	require.NoError(t, err)
	got, err := allocation.Decode(v)
	require.NoError(t, err)
	require.Equal(t, sample(), got)

	c, ok := got.Container("app")
	require.True(t, ok)
	require.Len(t, c.DevicesOf("nvidia"), 1)
	require.Equal(t, "2g.20gb", c.DevicesOf("nvidia")[0].Profile)
	_, ok = got.Container("nope")
	require.False(t, ok)
}

// TestDecodesV1Fixture keeps the first published form readable forever: a
// plugin reads annotations written by any scheduler version still running.
func TestDecodesV1Fixture(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/v1.json")
	require.NoError(t, err)
	got, err := allocation.Decode(string(data))
	require.NoError(t, err)
	require.Equal(t, "node-1", got.Node)
	require.Equal(t, "GPU-b", got.Containers[0].Devices[0].ID)
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ value, want string }{
		"garbage":     {`{{`, "decode hami.io/allocation"},
		"empty":       {``, "empty document"},
		"new version": {`{"apiVersion":"allocation.hami.io/v2","kind":"Allocation"}`, `apiVersion "allocation.hami.io/v2" is not supported`},
		"no node":     {`{"apiVersion":"allocation.hami.io/v1","kind":"Allocation","containers":[]}`, "node: Required value"},
		"bad device":  {`{"apiVersion":"allocation.hami.io/v1","kind":"Allocation","node":"n","containers":[{"name":"c","devices":[{"vendor":"nvidia","cores":101,"mode":"hami-core"}]}]}`, "containers[0].devices[0].id: Required value"},
		"bad cores":   {`{"apiVersion":"allocation.hami.io/v1","kind":"Allocation","node":"n","containers":[{"name":"c","devices":[{"vendor":"nvidia","id":"x","cores":101,"mode":"hami-core"}]}]}`, "containers[0].devices[0].cores: Invalid value: 101"},
		"wrong type":  {`{"apiVersion":"allocation.hami.io/v1","kind":"Allocation","node":"n","containers":[{"name":"c","devices":[{"memoryMiB":"lots"}]}]}`, "field containers.devices.memoryMiB: cannot use string"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := allocation.Decode(tc.value)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestDecodeIgnoresFieldsOfNewerSchedulers(t *testing.T) {
	t.Parallel()
	_, err := allocation.Decode(`{"apiVersion":"allocation.hami.io/v1","kind":"Allocation","node":"n","future":1,"containers":[]}`)
	require.NoError(t, err)
}

func TestBindTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 123, time.FixedZone("x", 3600))
	got, err := allocation.ParseTime(allocation.FormatTime(now))
	require.NoError(t, err)
	require.True(t, now.Equal(got))
	_, err = allocation.ParseTime("yesterday")
	require.ErrorContains(t, err, "parse hami.io/bind-time")
}

func FuzzDecode(f *testing.F) {
	v, _ := sample().Encode()
	f.Add(v)
	f.Add(`{"apiVersion":"allocation.hami.io/v1","kind":"Allocation","node":"n","containers":null}`)
	f.Add(`{"apiVersion":"allocation.hami.io/v1"}`)
	f.Fuzz(func(t *testing.T, value string) {
		a, err := allocation.Decode(value)
		if err != nil {
			return
		}
		again, err := a.Encode()
		require.NoError(t, err)
		b, err := allocation.Decode(again)
		require.NoError(t, err, "a decoded allocation must encode to a decodable one")
		require.Equal(t, a, b)
	})
}
