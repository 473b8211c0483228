package extender

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"
)

// maxBody bounds a request: node objects for 5,000 nodes fit well within it.
const maxBody = 256 << 20

// Handler serves the extender verbs under /filter, /prioritize and /bind
// (the urlPrefix of the KubeSchedulerConfiguration is the server's root), and
// /healthz and /readyz. ready reports why the scheduler is not ready yet.
func Handler(ctx context.Context, s *Scheduler, ready func() error, metricsHandler http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /filter", withBody(ctx, s.serveFilter))
	mux.HandleFunc("POST /prioritize", withBody(ctx, s.servePrioritize))
	mux.HandleFunc("POST /bind", withBody(ctx, func(ctx context.Context, w http.ResponseWriter, body []byte) {
		var args extenderv1.ExtenderBindingArgs
		if decode(w, "/bind", body, &args) {
			writeJSON(ctx, w, s.Bind(ctx, &args))
		}
	}))
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

// withBody reads the request body into a pooled buffer and calls fn with
// the server's logger in the request context.
func withBody(base context.Context, fn func(context.Context, http.ResponseWriter, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		buf := getBuffer()
		defer putBuffer(buf)
		b := bytes.NewBuffer(*buf)
		_, err := b.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody))
		body := b.Bytes()
		*buf = body
		if err != nil {
			http.Error(w, fmt.Sprintf("read %s arguments: %v", r.URL.Path, err), http.StatusBadRequest)
			return
		}
		fn(zerolog.Ctx(base).WithContext(r.Context()), w, body)
	}
}

// serveFilter answers from the names kube-scheduler sends with
// nodeCacheCapable; node objects get the typed answer that carries them.
func (s *Scheduler) serveFilter(ctx context.Context, w http.ResponseWriter, body []byte) {
	var args extenderv1.ExtenderArgs
	if !decode(w, "/filter", body, &args) || !hasPod(w, "/filter", args.Pod != nil) {
		return
	}
	if args.NodeNames == nil {
		writeJSON(ctx, w, s.Filter(ctx, &args))
		return
	}
	out := getBuffer()
	defer putBuffer(out)
	*out = s.AppendFilter(ctx, *out, args.Pod, *args.NodeNames)
	writeBytes(ctx, w, *out)
}

// prioritizeArgs is the part of ExtenderArgs prioritize needs when filter
// left the pod's scores: its uid and the node names. The pod, sent in full
// again, is skipped unread, and decoded only when it is needed after all.
type prioritizeArgs struct {
	Pod *struct {
		Metadata struct {
			UID types.UID `json:"uid"`
		} `json:"metadata"`
	}
	Nodes     *struct{}
	NodeNames *[]string
}

func (s *Scheduler) servePrioritize(ctx context.Context, w http.ResponseWriter, body []byte) {
	var args prioritizeArgs
	if !decode(w, "/prioritize", body, &args) || !hasPod(w, "/prioritize", args.Pod != nil) {
		return
	}
	if args.Nodes != nil || args.NodeNames == nil {
		var full extenderv1.ExtenderArgs
		if decode(w, "/prioritize", body, &full) {
			writeJSON(ctx, w, s.Prioritize(ctx, &full))
		}
		return
	}
	pod := func() (*corev1.Pod, error) {
		var full extenderv1.ExtenderArgs
		if err := json.Unmarshal(body, &full); err != nil {
			return nil, err
		}
		return full.Pod, nil
	}
	out := getBuffer()
	defer putBuffer(out)
	*out = s.AppendPrioritize(*out, args.Pod.Metadata.UID, *args.NodeNames, pod)
	writeBytes(ctx, w, *out)
}

// hasPod answers 400 when the arguments carry no pod.
func hasPod(w http.ResponseWriter, path string, ok bool) bool {
	if !ok {
		http.Error(w, fmt.Sprintf("%s arguments: Pod is missing; kube-scheduler sends the pod being scheduled", path), http.StatusBadRequest)
	}
	return ok
}

// decode reads the arguments, answering 400 when they do not parse.
func decode(w http.ResponseWriter, path string, body []byte, v any) bool {
	if err := json.Unmarshal(body, v); err != nil {
		http.Error(w, fmt.Sprintf("decode %s arguments: %v", path, err), http.StatusBadRequest)
		return false
	}
	return true
}

func writeJSON(ctx context.Context, w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Msg("encode extender answer")
		http.Error(w, "encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeBytes(ctx, w, b)
}

// writeBytes sends b whole, with its length: no chunked encoding for the
// client to take apart.
func writeBytes(ctx context.Context, w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if _, err := w.Write(b); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("write extender answer")
	}
}
