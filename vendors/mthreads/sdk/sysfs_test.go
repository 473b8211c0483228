package sdk

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadSysfs(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		numa string // numa_node's content; "" = no file
		drm  []string
		want sysfsFacts
	}{
		"all there":        {numa: "0\n", drm: []string{"card1", "renderD129"}, want: sysfsFacts{numaNode: 0, drmCard: 1, drmRender: 129}},
		"no NUMA affinity": {numa: "-1\n", want: sysfsFacts{numaNode: -1, drmCard: -1, drmRender: -1}},
		"garbage":          {numa: "x", drm: []string{"cardx", "controlD64"}, want: sysfsFacts{numaNode: -1, drmCard: -1, drmRender: -1}},
		"nothing":          {want: sysfsFacts{numaNode: -1, drmCard: -1, drmRender: -1}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			dir := filepath.Join(root, "bus", "pci", "devices", "0000:3b:00.0")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			if tc.numa != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "numa_node"), []byte(tc.numa), 0o644))
			}
			for _, d := range tc.drm {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, "drm", d), 0o755))
			}
			require.Equal(t, tc.want, readSysfs(root, "0000:3B:00.0"), "bus ids are matched lowercase")
		})
	}
	require.Equal(t, sysfsFacts{numaNode: -1, drmCard: -1, drmRender: -1}, readSysfs(t.TempDir(), ""))
}
