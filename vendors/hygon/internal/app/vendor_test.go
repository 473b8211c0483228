package app_test

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/hygon/internal/app"
)

func TestFlags(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args []string
		err  string
	}{
		"defaults":              {},
		"bad vDCU limit":        {args: []string{"--max-vdcu", "0"}, err: "--max-vdcu 0"},
		"relative vdev dir":     {args: []string{"--vdev-dir", "vdev"}, err: "--vdev-dir"},
		"no health polling":     {args: []string{"--health-interval", "0s"}, err: "--health-interval"},
		"more vDCUs than usual": {args: []string{"--max-vdcu", "8"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v := &app.Vendor{}
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			v.RegisterFlags(fs)
			require.NoError(t, fs.Parse(tc.args))
			err := v.Validate()
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "/var/lib/hami/hygon/vdev", v.VDevDir)
		})
	}
}

// TestOpenFake opens the fake named by --fake and finds its cards, with
// the device files under --dev-root.
func TestOpenFake(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := pluginrun.Config{Vendor: "hygon", Node: "n1", StateDir: dir, DevRoot: filepath.Join(dir, "root"), Fake: "K100-AI"}
	env, err := pluginrun.NewEnv(cfg)
	require.NoError(t, err)
	v := &app.Vendor{MaxVDCU: 6, VDevDir: filepath.Join(dir, "vdev"), HealthEvery: 1}
	n, err := v.Open(t.Context(), env)
	require.NoError(t, err)
	devs := n.Devices()
	require.Len(t, devs, 8)
	require.Equal(t, "K100-AI", devs[0].Type)
	require.Equal(t, int32(4), devs[0].SplitCount, "the fake driver's own limit of 4 lowers --max-vdcu 6")
	require.FileExists(t, filepath.Join(dir, "root", "dev", "kfd"))
	require.NoError(t, n.Close())

	// Left on the host's root, a fake makes no device files there.
	host := cfg
	host.DevRoot, host.Node = "/", "n2"
	env, err = pluginrun.NewEnv(host)
	require.NoError(t, err)
	n, err = v.Open(t.Context(), env)
	require.NoError(t, err)
	require.Len(t, n.Devices(), 8)
	require.NoError(t, n.Close())

	cfg.Fake = "no-such-model"
	env, err = pluginrun.NewEnv(cfg)
	require.NoError(t, err)
	_, err = v.Open(t.Context(), env)
	require.ErrorContains(t, err, "not a model (Z100, K100-AI)")
}
