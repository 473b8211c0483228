package fakesdk_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/fakesdk"
)

type desc struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Model      string `json:"model"`
	Devices    int    `json:"devices,omitempty"`
}

func (d *desc) Header() codec.Header { return codec.Header{APIVersion: d.APIVersion, Kind: d.Kind} }
func (d *desc) Validate() error {
	if d.Devices < 0 {
		return errors.New("devices: must not be negative")
	}
	return nil
}

func TestLoad(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body    string
		wantErr string
	}{
		"good":          {body: "apiVersion: fake.x.hami.io/v1\nkind: FakeSystem\nmodel: m1\ndevices: 2\n"},
		"unknown field": {body: "apiVersion: fake.x.hami.io/v1\nkind: FakeSystem\nmodle: m1\n", wantErr: "modle"},
		"wrong version": {body: "apiVersion: fake.y.hami.io/v1\nkind: FakeSystem\n", wantErr: "want apiVersion fake.x.hami.io/v1"},
		"invalid":       {body: "apiVersion: fake.x.hami.io/v1\nkind: FakeSystem\ndevices: -1\n", wantErr: "devices: must not be negative"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "d.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o600))
			var d desc
			err := fakesdk.Load(path, "fake.x.hami.io/v1", &d)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "m1", d.Model)
		})
	}
}

func TestUUIDIsStablePerSeedAndIndex(t *testing.T) {
	t.Parallel()
	a := fakesdk.UUID("MLU-", "node-a", 0)
	require.Equal(t, a, fakesdk.UUID("MLU-", "node-a", 0))
	require.NotEqual(t, a, fakesdk.UUID("MLU-", "node-a", 1))
	require.NotEqual(t, a, fakesdk.UUID("MLU-", "node-b", 0))
	require.Regexp(t, `^MLU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, a)
	require.NotEqual(t, fakesdk.Serial("S", "n", 0), fakesdk.Serial("S", "n", 1))
}

type partitions struct {
	Next  int            `json:"next"`
	Owned map[string]int `json:"owned"`
}

func TestStateSurvivesReopenAndFailedChangesLeaveNoTrace(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := fakesdk.OpenState[partitions](path, "state.x.hami.io/v1")
	require.NoError(t, err)
	require.NoError(t, s.Update(func(p *partitions) error {
		p.Next++
		p.Owned = map[string]int{"a": 1}
		return nil
	}))
	require.Error(t, s.Update(func(p *partitions) error {
		p.Owned["b"] = 2
		return errors.New("driver refused")
	}))
	again, err := fakesdk.OpenState[partitions](path, "state.x.hami.io/v1")
	require.NoError(t, err)
	again.Read(func(p partitions) {
		require.Equal(t, 1, p.Next)
		require.Equal(t, map[string]int{"a": 1}, p.Owned)
	})
	_, err = fakesdk.OpenState[partitions](path, "state.other.hami.io/v1")
	require.ErrorContains(t, err, "not supported")
}

func TestDeviceNode(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	p, err := fakesdk.DeviceNode(root, "/dev/cambricon_dev0")
	require.NoError(t, err)
	_, err = os.Stat(p)
	require.NoError(t, err)
	again, err := fakesdk.DeviceNode(root, "/dev/cambricon_dev0")
	require.NoError(t, err)
	require.Equal(t, p, again)
	require.NoError(t, fakesdk.RemoveDeviceNode(root, "/dev/cambricon_dev0"))
	require.NoError(t, fakesdk.RemoveDeviceNode(root, "/dev/cambricon_dev0"))
	_, err = os.Stat(p)
	require.True(t, os.IsNotExist(err))
}
