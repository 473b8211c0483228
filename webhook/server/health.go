package server

import (
	"net/http"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/metrics"
)

// Check reports whether one part of the webhook is ready; nil when it is.
type Check func() error

// Readiness collects named checks for /readyz.
type Readiness struct {
	mu     sync.Mutex // guards checks
	checks map[string]Check
}

// NewReadiness returns readiness with no check yet (ready).
func NewReadiness() *Readiness { return &Readiness{checks: map[string]Check{}} }

// Add registers a check under name.
func (r *Readiness) Add(name string, c Check) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks[name] = c
}

// ServeHTTP answers 200 "ok" when every check passes, else 503 with one line
// per failing check.
func (r *Readiness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	r.mu.Lock()
	var failed []string
	for name, c := range r.checks {
		if err := c(); err != nil {
			failed = append(failed, name+": "+err.Error())
		}
	}
	r.mu.Unlock()
	if len(failed) > 0 {
		http.Error(w, strings.Join(failed, "\n"), http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// OpsMux serves /metrics, /healthz and /readyz (plain HTTP, for probes and
// Prometheus).
func OpsMux(reg *prometheus.Registry, ready *Readiness) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.Handler(reg))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle("/readyz", ready)
	return mux
}

// WebhookMux serves the admission endpoint at /mutate, with health and
// readiness also over TLS for setups that probe the webhook port.
func WebhookMux(h *Handler, ready *Readiness) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/mutate", h)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle("/readyz", ready)
	return mux
}
