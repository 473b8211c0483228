package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hami-project/hami/common/tlsfile"
	"github.com/hami-project/hami/common/tlsfile/tlsfiletest"
	"github.com/hami-project/hami/scheduler/internal/extender"
)

func TestProfilingAddsPprofAndKeepsTheRest(t *testing.T) {
	t.Parallel()
	inner := http.NewServeMux()
	inner.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	srv := httptest.NewServer(withProfiling(inner))
	t.Cleanup(srv.Close)
	for path, want := range map[string]int{"/healthz": http.StatusOK, "/debug/pprof/cmdline": http.StatusOK, "/nothing": http.StatusNotFound} {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, want, res.StatusCode, path)
	}
}

func TestInformerCacheDropsManagedFields(t *testing.T) {
	t.Parallel()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Annotations: map[string]string{"a": "b"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}}}
	out, err := dropManagedFields(pod)
	require.NoError(t, err)
	require.Nil(t, out.(*corev1.Pod).ManagedFields)
	require.Equal(t, "b", out.(*corev1.Pod).Annotations["a"])
	// Tombstones and other objects pass through.
	other, err := dropManagedFields("not an object")
	require.NoError(t, err)
	require.Equal(t, "not an object", other)
}

func TestParseFlagsNATSSecurity(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args []string
		err  string
	}{
		"embedded server":   {args: nil},
		"secured server":    {args: []string{"--nats-url", "tls://nats:4222", "--nats-user", "s", "--nats-password-file", "/dev/null"}},
		"embedded with TLS": {args: []string{"--nats-user", "s", "--nats-password-file", "/dev/null"}, err: "need --nats-url"},
		"key without cert":  {args: []string{"--nats-url", "tls://nats:4222", "--nats-key", "k.pem"}, err: "--nats-cert and --nats-key"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := parseFlags(tc.args, io.Discard)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestServeHTTPSSpeaksHTTP2AndPicksUpARenewal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pair := tlsfiletest.Write(t, dir, 1, "127.0.0.1")
	cfg, err := parseFlags([]string{"--tls-cert-file", pair.CertFile, "--tls-key-file", pair.KeyFile}, io.Discard)
	require.NoError(t, err)
	src, err := tlsfile.New(cfg.TLSCertFile, cfg.TLSKeyFile)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	serving := &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: src.GetCertificate}
	go func() { done <- serveOn(ctx, ln, mux, serving) }()

	// get answers the protocol major version of a health check.
	get := func(trust *x509.CertPool) (int, error) {
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: trust}, ForceAttemptHTTP2: true}}
		defer client.CloseIdleConnections()
		res, err := client.Get("https://" + ln.Addr().String() + "/healthz")
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d", res.StatusCode)
		}
		return res.ProtoMajor, nil
	}
	proto, err := get(pair.Pool())
	require.NoError(t, err)
	require.Equal(t, 2, proto, "kube-scheduler multiplexes its calls over one HTTP/2 connection")

	// A renewed pair is served to the next connection without a restart.
	later := time.Now().Add(time.Minute)
	renewed := tlsfiletest.Write(t, dir, 2, "127.0.0.1")
	require.NoError(t, os.Chtimes(renewed.CertFile, later, later))
	require.NoError(t, os.Chtimes(renewed.KeyFile, later, later))
	_, err = get(pair.Pool())
	require.Error(t, err, "the old certificate is no longer served")
	_, err = get(renewed.Pool())
	require.NoError(t, err)

	cancel()
	require.NoError(t, <-done)
}

func TestParseFlagsNodeChoice(t *testing.T) {
	t.Parallel()
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, extender.BestNodes, cfg.NodeChoice)
	cfg, err = parseFlags([]string{"--node-choice", "weighted"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, extender.WeightedNodes, cfg.NodeChoice)
	_, err = parseFlags([]string{"--node-choice", "first"}, io.Discard)
	require.ErrorContains(t, err, `--node-choice: "first" is not one of [best weighted]`)
}

func TestParseFlagsTLS(t *testing.T) {
	t.Parallel()
	_, err := parseFlags([]string{"--tls-cert-file", "tls.crt"}, io.Discard)
	require.ErrorContains(t, err, "--tls-key-file")
	_, err = parseFlags([]string{"--tls-key-file", "tls.key"}, io.Discard)
	require.ErrorContains(t, err, "--tls-cert-file")
}
