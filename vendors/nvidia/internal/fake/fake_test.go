package fake_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
)

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	// gpus loads a description and counts the GPUs of the fake it builds.
	gpus := func(path string) (int, error) {
		d, err := fake.Load(path)
		if err != nil {
			return 0, err
		}
		s, err := fake.New(d)
		if err != nil {
			return 0, err
		}
		n, _ := s.DeviceGetCount()
		return n, nil
	}
	fakesdktest.RunLoad(t, gpus, map[string]fakesdktest.LoadCase[int]{
		"valid":          {Body: "apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: dgxb200\ngpus: 2\nseed: node-1\n", Want: 2},
		"unknown field":  {Body: "apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: dgxh100\ncolour: red\n", WantErr: "colour"},
		"unknown system": {Body: "apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: dgx1\n", WantErr: "must be one of"},
		"wrong version":  {Body: "apiVersion: v9\nkind: FakeSystem\nsystem: dgxh100\n", WantErr: "not supported"},
	})
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: dgxh100\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "d.yaml")
		require.NoError(t, os.WriteFile(path, data, 0o644))
		_, _ = fake.Load(path)
	})
}
