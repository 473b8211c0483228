package metrics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/metrics"
)

func TestHandlerServesRegisteredMetrics(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: metrics.Namespace, Name: "decisions_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	rec := httptest.NewRecorder()
	metrics.Handler(reg).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, 200, rec.Code)
	require.Contains(t, rec.Body.String(), "hami_decisions_total 1")
	require.Contains(t, rec.Body.String(), "go_goroutines")
}

func TestServeStopsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- metrics.Serve(ctx, "127.0.0.1:0", metrics.NewRegistry()) }()
	cancel()
	require.NoError(t, <-done)
	require.Error(t, metrics.Serve(context.Background(), "127.0.0.1:-1", metrics.NewRegistry()))
}
