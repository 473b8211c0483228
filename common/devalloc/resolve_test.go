package devalloc_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/devalloc"
	"github.com/hami-project/hami/common/device"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	known := map[string]int{"a": 1, "b": 2}
	find := func(id string) (int, bool) { v, ok := known[id]; return v, ok }
	for _, tc := range []struct {
		name    string
		chosen  []string
		want    []int
		wantErr string
	}{
		{name: "in order", chosen: []string{"b", "a"}, want: []int{2, 1}},
		{name: "none", chosen: nil, want: []int{}},
		{name: "unknown", chosen: []string{"a", "z"}, wantErr: "XPU z is in the inventory but was not discovered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chosen := make([]device.Device, len(tc.chosen))
			for i, id := range tc.chosen {
				chosen[i] = device.Device{ID: id}
			}
			got, err := devalloc.Resolve(chosen, "XPU", find)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestDeviceFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "dev"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "dev", "card0"), nil, 0o600))
	for _, tc := range []struct {
		name      string
		paths     []string
		missingOK bool
		want      []string
		wantErr   string
	}{
		{name: "present", paths: []string{"/dev/card0"}, want: []string{"/dev/card0"}},
		{name: "missing refused", paths: []string{"/dev/card0", "/dev/card1"}, wantErr: "card1"},
		{name: "missing left out", paths: []string{"/dev/card1", "/dev/card0"}, missingOK: true, want: []string{"/dev/card0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			specs, err := devalloc.DeviceFiles(root, tc.paths, tc.missingOK)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.ErrorIs(t, err, os.ErrNotExist)
				return
			}
			require.NoError(t, err)
			got := make([]string, len(specs))
			for i, s := range specs {
				got[i] = s.ContainerPath
				require.Equal(t, filepath.Join(root, s.ContainerPath), s.HostPath)
				require.Equal(t, "rw", s.Permissions)
			}
			require.Equal(t, tc.want, got)
		})
	}
}
