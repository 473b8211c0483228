package fake_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
)

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		body string
		gpus int
		err  string
	}{
		"valid":          {body: "apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: dgxb200\ngpus: 2\nseed: node-1\n", gpus: 2},
		"unknown field":  {body: "apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: dgxh100\ncolour: red\n", err: "colour"},
		"unknown system": {body: "apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: dgx1\n", err: "must be one of"},
		"wrong version":  {body: "apiVersion: v9\nkind: FakeSystem\nsystem: dgxh100\n", err: "not supported"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "d.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o644))
			d, err := fake.Load(path)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			s, err := fake.New(d)
			require.NoError(t, err)
			n, _ := s.DeviceGetCount()
			require.Equal(t, tc.gpus, n)
		})
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: dgxh100\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "d.yaml")
		require.NoError(t, os.WriteFile(path, data, 0o644))
		_, _ = fake.Load(path)
	})
}
