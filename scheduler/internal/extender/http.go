package extender

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/rs/zerolog"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"
)

// maxBody bounds a request: node objects for 5,000 nodes fit well within it.
const maxBody = 256 << 20

// Handler serves the extender verbs under /filter, /prioritize and /bind
// (the urlPrefix of the KubeSchedulerConfiguration is the server's root), and
// /healthz and /readyz. ready reports why the scheduler is not ready yet.
func Handler(ctx context.Context, s *Scheduler, ready func() error, metricsHandler http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /filter", verb(ctx, func(ctx context.Context, a *extenderv1.ExtenderArgs) any { return s.Filter(ctx, a) }))
	mux.HandleFunc("POST /prioritize", verb(ctx, func(ctx context.Context, a *extenderv1.ExtenderArgs) any { return s.Prioritize(ctx, a) }))
	mux.HandleFunc("POST /bind", verb(ctx, func(ctx context.Context, a *extenderv1.ExtenderBindingArgs) any { return s.Bind(ctx, a) }))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := ready(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	if metricsHandler != nil {
		mux.Handle("GET /metrics", metricsHandler)
	}
	return mux
}

// verb decodes the arguments, calls fn with the server's logger in the
// request context, and encodes the answer.
func verb[A any](base context.Context, fn func(context.Context, *A) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var args A
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
		if err := dec.Decode(&args); err != nil {
			http.Error(w, fmt.Sprintf("decode %s arguments: %v", r.URL.Path, err), http.StatusBadRequest)
			return
		}
		ctx := zerolog.Ctx(base).WithContext(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(fn(ctx, &args)); err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Str("path", r.URL.Path).Msg("write extender answer")
		}
	}
}
