package metrics_test

import (
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
