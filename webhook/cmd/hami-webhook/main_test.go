package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseFlags(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args    []string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		"files": {
			args: []string{"--tls-cert-file", "c", "--tls-key-file", "k"},
			check: func(t *testing.T, c Config) {
				require.Equal(t, "hami-scheduler", c.SchedulerName)
				require.Equal(t, []string{"kube-system"}, c.IgnoredNamespaces)
				require.Empty(t, c.AllowedSchedulers)
			},
		},
		"self-signed with lists": {
			args: []string{"--self-signed", "--cert-hosts", "a.svc, 127.0.0.1", "--allowed-schedulers", "volcano", "--ignored-namespaces", ""},
			check: func(t *testing.T, c Config) {
				require.Equal(t, []string{"a.svc", "127.0.0.1"}, c.CertHosts)
				require.Equal(t, []string{"volcano"}, c.AllowedSchedulers)
				require.Empty(t, c.IgnoredNamespaces, "an empty list opts kube-system back in")
			},
		},
		"no certificate":       {args: nil, wantErr: "give --tls-cert-file and --tls-key-file, or --self-signed"},
		"both kinds":           {args: []string{"--self-signed", "--tls-cert-file", "c"}, wantErr: "exclude each other"},
		"self-signed no hosts": {args: []string{"--self-signed", "--cert-hosts", ""}, wantErr: "--self-signed needs --cert-hosts"},
		"empty scheduler":      {args: []string{"--self-signed", "--scheduler-name", ""}, wantErr: "--scheduler-name is empty"},
		"nats cert without key": {
			args: []string{"--self-signed", "--nats-url", "tls://nats:4222", "--nats-cert", "c.pem"}, wantErr: "--nats-cert and --nats-key",
		},
		"nats credentials without url": {
			args: []string{"--self-signed", "--nats-user", "w", "--nats-password-file", "/dev/null"}, wantErr: "need --nats-url",
		},
		"nats url with a user": {
			args: []string{"--self-signed", "--nats-url", "nats://nats:4222", "--nats-user", "w", "--nats-password-file", "/dev/null"},
			check: func(t *testing.T, c Config) {
				require.Equal(t, "w", c.NATS.User)
				require.True(t, c.NATS.Authenticated())
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := parseFlags(tc.args)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			tc.check(t, c)
		})
	}
}

func TestLoadConfigNamesTheFile(t *testing.T) {
	t.Parallel()
	_, err := loadConfig("/nonexistent/hami.yaml")
	require.ErrorContains(t, err, "--config: read config /nonexistent/hami.yaml")
	c, err := loadConfig("")
	require.NoError(t, err)
	require.EqualValues(t, 1, c.DefaultGPUNum)
}
