package extender

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/metrics"
	"github.com/hami-project/hami/common/policy"
)

// Metrics of the decisions.
type Metrics struct {
	filterLatency prometheus.Histogram
	bindLatency   prometheus.Histogram
	decisions     *prometheus.CounterVec
}

// NewMetrics builds the decision metrics and registers them on reg (nil:
// kept unregistered, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		filterLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: metrics.Namespace, Subsystem: "scheduler", Name: "filter_duration_seconds",
			Help: "Time to filter the candidate nodes for one pod.", Buckets: metrics.LatencyBuckets,
		}),
		bindLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: metrics.Namespace, Subsystem: "scheduler", Name: "bind_duration_seconds",
			Help: "Time to choose devices, write the allocation and bind one pod.", Buckets: metrics.LatencyBuckets,
		}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "scheduler", Name: "decisions_total",
			Help: "Extender decisions by verb, result and reason.",
		}, []string{"verb", "result", "reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.filterLatency, m.bindLatency, m.decisions)
	}
	return m
}

func (m *Metrics) decision(verb, result, reason string) {
	m.decisions.WithLabelValues(verb, result, reason).Inc()
}

// reasonOf gives a bounded label for an error.
func reasonOf(err error) string {
	var unfit *policy.Unfit
	switch {
	case errors.As(err, &unfit):
		if unfit.Code != 0 {
			return unfit.Code.String()
		}
		if len(unfit.Reasons) > 0 {
			return unfit.Reasons[0].Code.String()
		}
		return "unfit"
	case errors.Is(err, ErrNotLeader):
		return "not leader"
	case errors.Is(err, ErrNotReady):
		return "not ready"
	case errors.Is(err, ErrPodMoved):
		return "pod moved"
	}
	return "other"
}
