package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	schedv1 "k8s.io/kube-scheduler/config/v1"

	"github.com/hami-project/hami/common/config"
)

func TestPluginFlagsAreTakenOutOfKubeSchedulersArgs(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args       []string
		wantRest   []string
		wantNATS   int
		wantChoice string
		wantErr    string
	}{
		"mixed forms": {
			args:     []string{"--config=/k.yaml", "--nats-port", "4333", "--v=2", "--node-choice=weighted", "--leader-elect=false", "--hami-addr", ":9999"},
			wantRest: []string{"--config=/k.yaml", "--v=2", "--leader-elect=false"}, wantNATS: 4333, wantChoice: "weighted",
		},
		"none of ours": {args: []string{"--secure-port=0"}, wantRest: []string{"--secure-port=0"}, wantNATS: 4222, wantChoice: "best"},
		"bad choice":   {args: []string{"--node-choice=random"}, wantErr: "--node-choice"},
		"half a pair":  {args: []string{"--hami-tls-cert-file=c.pem"}, wantErr: "--hami-tls-key-file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, rest, err := parsePluginFlags(tc.args, io.Discard)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.wantRest, rest)
			require.Equal(t, tc.wantNATS, c.NATSPort)
			require.Equal(t, tc.wantChoice, string(c.NodeChoice))
		})
	}
}

func TestDefaultConfigIgnoresEveryVendorsGroups(t *testing.T) {
	t.Parallel()
	groups := resourceGroups(&config.Config{Vendors: config.DefaultVendors()})
	for _, want := range []string{"nvidia.com", "cambricon.com", "hygon.com", "huawei.com", "iluvatar.ai", "mthreads.com", "metax-tech.com", "volcano.sh"} {
		require.Contains(t, groups, want)
	}
	doc, err := defaultConfigYAML("")
	require.NoError(t, err)
	var cfg schedv1.KubeSchedulerConfiguration
	require.NoError(t, yaml.UnmarshalStrict(doc, &cfg))
	require.Len(t, cfg.Profiles, 2)
	hami := cfg.Profiles[1]
	require.Equal(t, profileName, *hami.SchedulerName)
	require.Equal(t, "HAMi", hami.Plugins.Bind.Enabled[0].Name, "binds before DefaultBinder")
	require.Equal(t, "NodeResourcesFit", hami.PluginConfig[0].Name)
	var args schedv1.NodeResourcesFitArgs
	require.NoError(t, yaml.Unmarshal(hami.PluginConfig[0].Args.Raw, &args))
	require.Equal(t, groups, args.IgnoredResourceGroups)
}

func TestDefaultConfigIsAddedUnlessOneIsGiven(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args, err := withDefaultConfig([]string{"--v=1"}, "", dir)
	require.NoError(t, err)
	require.Equal(t, "--config="+filepath.Join(dir, "hami-kube-scheduler.yaml"), args[1])
	doc, err := os.ReadFile(filepath.Join(dir, "hami-kube-scheduler.yaml"))
	require.NoError(t, err)
	require.True(t, strings.Contains(string(doc), "ignoredResourceGroups"))
	given := []string{"--config", "/mine.yaml"}
	args, err = withDefaultConfig(given, "", t.TempDir())
	require.NoError(t, err)
	require.Equal(t, given, args)
}
