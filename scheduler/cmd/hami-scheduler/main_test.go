package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
