package server

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/metrics"
)

// Metrics are the webhook's collectors.
type Metrics struct {
	admissions *prometheus.CounterVec
	latency    *prometheus.HistogramVec
}

// ResultError labels reviews that could not be read.
const ResultError = "error"

// NewMetrics registers the webhook's collectors on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		admissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "webhook", Name: "admissions_total",
			Help: "Pod admissions by result: skipped, allowed (unchanged), mutated, refused, error (unreadable review).",
		}, []string{"result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: metrics.Namespace, Subsystem: "webhook", Name: "admission_duration_seconds",
			Help:    "Time from reading an admission review to writing the answer, by result.",
			Buckets: metrics.LatencyBuckets,
		}, []string{"result"}),
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.admissions, m.latency} {
		errs = append(errs, reg.Register(c))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register webhook metrics: %w", err)
	}
	return m, nil
}

func (m *Metrics) observe(result string, seconds float64) {
	m.admissions.WithLabelValues(result).Inc()
	m.latency.WithLabelValues(result).Observe(seconds)
}
