package extender_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"

	"github.com/hami-project/hami/scheduler/internal/extender"
)

func TestHTTPVerbs(t *testing.T) {
	t.Parallel()
	pod := gpuPod("p", 3000, 30, nil)
	fx := newFixture(t, pod)
	notReady := errors.New("pod informer not synced")
	ready := func() error { return notReady }
	srv := httptest.NewServer(extender.Handler(context.Background(), fx.s, func() error { return ready() }, nil))
	t.Cleanup(srv.Close)

	post := func(path string, body any, out any) int {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		res, err := http.Post(srv.URL+path, "application/json", bytes.NewReader(b))
		require.NoError(t, err)
		defer res.Body.Close()
		if out != nil && res.StatusCode == http.StatusOK {
			require.NoError(t, json.NewDecoder(res.Body).Decode(out))
		}
		return res.StatusCode
	}

	var filter extenderv1.ExtenderFilterResult
	require.Equal(t, http.StatusOK, post("/filter", args(pod, "node-a", "node-b"), &filter))
	require.Equal(t, []string{"node-a"}, *filter.NodeNames)
	require.Contains(t, filter.FailedNodes["node-b"], "insufficient memory")

	// A 1000 MiB pod leaves node-b (2048 MiB) fuller than node-a: binpack
	// prefers it, and node-a, the worst, is left out at 0.
	var prio extenderv1.HostPriorityList
	require.Equal(t, http.StatusOK, post("/prioritize", args(gpuPod("q", 1000, 10, nil), "node-a", "node-b"), &prio))
	require.Equal(t, extenderv1.HostPriorityList{{Host: "node-b", Score: 10}}, prio)

	var bind extenderv1.ExtenderBindingResult
	require.Equal(t, http.StatusOK, post("/bind", bindArgs(pod, "node-a"), &bind))
	require.Empty(t, bind.Error)

	for _, path := range []string{"/filter", "/prioritize", "/bind"} {
		res, err := http.Post(srv.URL+path, "application/json", bytes.NewBufferString("{not json"))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, res.StatusCode, path)
		res.Body.Close()
	}
	for _, path := range []string{"/filter", "/prioritize"} {
		res, err := http.Post(srv.URL+path, "application/json", bytes.NewBufferString(`{"NodeNames":["node-a"]}`))
		require.NoError(t, err)
		msg, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode, path)
		require.Contains(t, string(msg), "Pod is missing", path)
	}

	get := func(path string) int {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusOK, get("/healthz"))
	require.Equal(t, http.StatusServiceUnavailable, get("/readyz"))
	ready = func() error { return nil }
	require.Equal(t, http.StatusOK, get("/readyz"))
	require.Equal(t, http.StatusMethodNotAllowed, get("/filter"))
}
