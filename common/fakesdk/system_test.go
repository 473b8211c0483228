package fakesdk_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
)

func TestCheckIndexes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		list    []int
		wantErr string
	}{
		"good":      {list: []int{0, 3}},
		"empty":     {},
		"too big":   {list: []int{1, 4}, wantErr: "unhealthy[1] = 4: must be a device index 0..3"},
		"negative":  {list: []int{-1}, wantErr: "unhealthy[0] = -1: must be a device index 0..3"},
		"duplicate": {list: []int{2, 2}, wantErr: "unhealthy[1] = 2: listed twice"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := fakesdk.CheckIndexes("unhealthy", tc.list, 4)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.wantErr)
		})
	}
}

func TestSystem(t *testing.T) {
	t.Parallel()
	s := fakesdk.NewSystem("fake.x.hami.io/v1", "m1", "node-a")
	require.Equal(t, "fake.x.hami.io/v1", s.Header().APIVersion)
	require.Equal(t, fakesdk.KindSystem, s.Header().Kind)
	require.Equal(t, 8, s.DeviceCount(8))
	require.NoError(t, s.CheckDevices())
	s.Devices = 65
	require.Equal(t, 65, s.DeviceCount(8))
	require.EqualError(t, s.CheckDevices(), "devices 65: must be 1..64, or 0 for the model's usual server")
	require.ErrorContains(t, s.Check(8, 1), "devices 65")
	s.Devices = 3
	require.EqualError(t, s.Check(8, 2), "devices 3: a m1 card or board holds 2 devices, so use a multiple of 2")
	s.Unhealthy = []int{3}
	require.EqualError(t, s.Check(8, 1), "unhealthy[0] = 3: must be a device index 0..2")
	s.Devices, s.Unhealthy = 0, []int{7}
	require.NoError(t, s.Check(8, 1))
}

type model struct{ name string }

func TestLookupModel(t *testing.T) {
	t.Parallel()
	models := []model{{"a"}, {"b"}}
	name := func(m model) string { return m.name }
	m, err := fakesdk.LookupModel(models, name, "b")
	require.NoError(t, err)
	require.Equal(t, "b", m.name)
	_, err = fakesdk.LookupModel(models, name, "c")
	require.EqualError(t, err, `model "c": must be one of a, b`)
	require.Equal(t, []string{"a", "b"}, fakesdk.ModelNames(models, name))
}

func TestDecode(t *testing.T) {
	t.Parallel()
	var d desc
	require.NoError(t, fakesdk.Decode([]byte("apiVersion: fake.x.hami.io/v1\nkind: FakeSystem\nmodel: m\n"), "fake.x.hami.io/v1", &d))
	require.Equal(t, "m", d.Model)
	err := fakesdk.Decode([]byte("apiVersion: fake.x.hami.io/v1\nkind: Other\n"), "fake.x.hami.io/v1", &desc{})
	require.ErrorContains(t, err, "want apiVersion fake.x.hami.io/v1, kind FakeSystem")
	require.Error(t, fakesdk.Decode([]byte("{"), "fake.x.hami.io/v1", &desc{}))
}

func TestSession(t *testing.T) {
	t.Parallel()
	var s fakesdk.Session
	require.Equal(t, "uninit", fakesdk.Refuse(&s, 0, 2, "ok", "uninit", "unknown"))
	require.False(t, s.Close())
	s.Open()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { require.True(t, s.IsOpen()) })
	}
	wg.Wait()
	require.Equal(t, "ok", fakesdk.Refuse(&s, 1, 2, "ok", "uninit", "unknown"))
	require.Equal(t, "unknown", fakesdk.Refuse(&s, 2, 2, "ok", "uninit", "unknown"))
	require.Equal(t, "unknown", fakesdk.Refuse(&s, -1, 2, "ok", "uninit", "unknown"))
	require.True(t, s.Close())
	require.False(t, s.IsOpen())
	require.NoError(t, s.Init())
	require.True(t, s.IsOpen())
	require.NoError(t, s.Shutdown())
	require.False(t, s.IsOpen())
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	good := filepath.Join(t.TempDir(), "d.yaml")
	require.NoError(t, os.WriteFile(good, []byte("apiVersion: fake.x.hami.io/v1\nkind: FakeSystem\nmodel: m\n"), 0o600))
	d, err := fakesdk.LoadFile[desc](good, "fake.x.hami.io/v1")
	require.NoError(t, err)
	require.Equal(t, "m", d.Model)
	d, err = fakesdk.LoadFile[desc](good, "fake.y.hami.io/v1")
	require.Error(t, err)
	require.Equal(t, desc{}, d, "nothing half-loaded on an error")
}
