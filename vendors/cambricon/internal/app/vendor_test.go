package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/cambricon/internal/app"
)

func TestParseFlags(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		err  string
	}{
		"defaults":        {args: []string{"--node", "n1"}},
		"health interval": {args: []string{"--node", "n1", "--health-interval", "0s"}, err: "--health-interval 0s: must be positive"},
		"library":         {args: []string{"--node", "n1", "--cndev-library", "/opt/libcndev.so"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v := &app.Vendor{}
			c, err := pluginrun.Parse("test", tc.args, v)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "cambricon", c.Vendor)
			require.Equal(t, "hami-cambricon.sock", c.Endpoint)
		})
	}
}

func TestFakeDescription(t *testing.T) {
	t.Parallel()
	d, err := app.FakeDescription("MLU370-X4", "n1")
	require.NoError(t, err)
	require.Equal(t, "MLU370-X4", d.Model)
	require.Equal(t, "n1", d.Seed)

	path := filepath.Join(t.TempDir(), "fake.yaml")
	require.NoError(t, os.WriteFile(path, []byte("apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\nmodel: MLU370-X8\nseed: s\ndevices: 2\nsmluDisabled: [1]\n"), 0o644))
	d, err = app.FakeDescription(path, "n1")
	require.NoError(t, err)
	require.Equal(t, []int{1}, d.SMLUDisabled)

	_, err = app.FakeDescription("MLU999", "n1")
	require.Error(t, err)
}

// Open with --fake discovers the fake's cards, makes its device files
// under --dev-root and keeps its sMLU state in the state directory.
func TestOpenFake(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v := &app.Vendor{}
	c, err := pluginrun.Parse("test", []string{
		"--node", "n1", "--fake", "MLU370-X8", "--state-dir", filepath.Join(dir, "state"), "--dev-root", filepath.Join(dir, "dev"),
	}, v)
	require.NoError(t, err)
	env, err := pluginrun.NewEnv(c)
	require.NoError(t, err)
	node, err := v.Open(context.Background(), env)
	require.NoError(t, err)
	require.Len(t, node.Devices(), 8)
	require.FileExists(t, filepath.Join(dir, "dev", "dev", "cambricon_dev7"))
	require.NoError(t, node.Close())

	_, err = (&app.Vendor{Library: filepath.Join(dir, "missing.so")}).Open(context.Background(), &pluginrun.Env{Config: pluginrun.Config{Node: "n1"}})
	require.ErrorContains(t, err, "load libcndev.so")
}

func TestDevRoot(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		c    pluginrun.Config
		want string
	}{
		"real":            {pluginrun.Config{DevRoot: "/", StateDir: "/s", Node: "n"}, "/"},
		"fake, given":     {pluginrun.Config{Fake: "MLU370-X8", DevRoot: "/tmp/d", StateDir: "/s", Node: "n"}, "/tmp/d"},
		"fake, host root": {pluginrun.Config{Fake: "MLU370-X8", DevRoot: "/", StateDir: "/s", Node: "n"}, "/s/dev-n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, app.DevRoot(tc.c))
		})
	}
}
