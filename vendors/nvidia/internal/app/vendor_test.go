package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/nvidia/internal/app"
)

// Not parallel: it clears NODE_NAME, the node's default.
func TestParseFlags(t *testing.T) {
	t.Setenv("NODE_NAME", "")
	tests := map[string]struct {
		args []string
		err  string
		xids []uint64
		want *app.Vendor
		// limits is the limits directory in force.
		limits string
	}{
		"limiter flags": {
			args:   []string{"--node", "n1", "--limits-dir", "/l", "--core-policy", "force", "--allow-tenant-disable"},
			limits: "/l",
			want:   &app.Vendor{LimiterDir: "/usr/local/vgpu", RegionRoot: "/var/lib/hami/regions", LimitsRoot: "/l", CorePolicy: "force", AllowTenantDisable: true},
		},
		"limiter defaults": {
			args:   []string{"--node", "n1"},
			want:   &app.Vendor{LimiterDir: "/usr/local/vgpu", RegionRoot: "/var/lib/hami/regions", LimitsRoot: "", CorePolicy: "default"},
			limits: "/var/lib/hami/nvidia/limits",
		},
		"limits under the state directory": {
			args: []string{"--node", "n1", "--state-dir", "/s"}, limits: "/s/limits",
		},
		"empty policy":      {args: []string{"--node", "n1", "--core-policy", ""}, err: "--core-policy"},
		"defaults":          {args: []string{"--node", "n1"}, xids: []uint64{13, 31, 43, 45, 68, 109}},
		"ignore list":       {args: []string{"--node", "n1", "--ignored-xids", "13, 94"}, xids: []uint64{13, 94}},
		"no node":           {args: nil, err: "--node"},
		"bad policy":        {args: []string{"--node", "n1", "--core-policy", "sometimes"}, err: "--core-policy"},
		"bad xid":           {args: []string{"--node", "n1", "--ignored-xids", "x"}, err: "--ignored-xids"},
		"heartbeat vs ttl":  {args: []string{"--node", "n1", "--heartbeat", "1m", "--inventory-ttl", "30s"}, err: "--heartbeat"},
		"unknown fake file": {args: []string{"--node", "n1", "--fake", "/nonexistent.yaml"}},
		"nats user without password": {
			args: []string{"--node", "n1", "--nats-url", "nats://nats:4222", "--nats-user", "n1"}, err: "--nats-password-file",
		},
		"nats TLS without url": {args: []string{"--node", "n1", "--nats-ca", "/dev/null"}, err: "--nats-ca"},
		"nats credentials without url": {
			args: []string{"--node", "n1", "--nats-user", "n1", "--nats-password-file", "/dev/null"}, err: "need --nats-url",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := &app.Vendor{}
			c, err := pluginrun.Parse("hami-nvidia-plugin", tc.args, v)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "nvidia", c.Vendor)
			require.Equal(t, "hami-nvidia.sock", c.Endpoint)
			if tc.xids != nil {
				require.Equal(t, tc.xids, v.IgnoredXIDs)
			}
			if tc.want != nil {
				require.Equal(t, []string{tc.want.LimiterDir, tc.want.RegionRoot, tc.want.LimitsRoot, tc.want.CorePolicy},
					[]string{v.LimiterDir, v.RegionRoot, v.LimitsRoot, v.CorePolicy})
				require.Equal(t, tc.want.AllowTenantDisable, v.AllowTenantDisable)
			}
			if tc.limits != "" {
				require.Equal(t, tc.limits, v.LimitsDir(c))
			}
		})
	}
}

func TestFakeDescription(t *testing.T) {
	t.Parallel()
	d, err := app.FakeDescription("dgxh200", "n1")
	require.NoError(t, err)
	require.Equal(t, "dgxh200", d.System)
	require.Equal(t, "n1", d.Seed)
	_, err = app.FakeDescription("/nonexistent.yaml", "n1")
	require.Error(t, err)
}
