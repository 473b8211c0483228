package inventory

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Watcher's collectors, registered on the registry it is given.
type metrics struct {
	entries  prometheus.Gauge
	stale    prometheus.Gauge
	age      *prometheus.GaugeVec
	rejected prometheus.Counter
	dropped  prometheus.Counter
	resyncs  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		entries: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hami_inventory_entries", Help: "Inventories in the index, stale ones included.",
		}),
		stale: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hami_inventory_stale", Help: "Inventories not refreshed within their TTL: that vendor on that node is not schedulable.",
		}),
		age: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hami_inventory_age_seconds", Help: "Seconds since the inventory was published.",
		}, []string{"vendor", "node"}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hami_inventory_rejected_total", Help: "Bucket values skipped because they were not a valid inventory for their key.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hami_inventory_events_dropped_total", Help: "Events not delivered because a subscriber's buffer was full.",
		}),
		resyncs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hami_inventory_resyncs_total", Help: "Times the watch was restarted and the index reconciled with the bucket.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.entries, m.stale, m.age, m.rejected, m.dropped, m.resyncs} {
		errs = append(errs, reg.Register(c))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register inventory metrics: %w", err)
	}
	return m, nil
}
