package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/webhook/admission"
)

// MaxReviewBytes bounds a review's body: the apiserver refuses objects above
// 3 MiB, and a review carries the object once (twice on updates).
const MaxReviewBytes = 8 << 20

// Admitter decides on one pod; *admission.Admitter and *admission.Current
// are ones.
type Admitter interface {
	Admit(ctx context.Context, req admission.Request) admission.Decision
}

// Handler serves AdmissionReview v1 for pod creation.
type Handler struct {
	admitter Admitter
	metrics  *Metrics
}

// NewHandler returns the /mutate handler.
func NewHandler(a Admitter, m *Metrics) *Handler { return &Handler{admitter: a, metrics: m} }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	result, err := h.serve(w, r)
	if err != nil {
		result = ResultError
		logging.From(r.Context()).Warn().Err(err).Msg("admission review failed")
	}
	h.metrics.observe(result, time.Since(start).Seconds())
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (string, error) {
	if r.Method != http.MethodPost {
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return "", fmt.Errorf("method %s", r.Method)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxReviewBytes))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return "", fmt.Errorf("read body: %w", err)
	}
	req, pod, err := DecodeReview(body)
	if req == nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return "", err
	}
	if err != nil {
		return ResultError, writeReview(w, failure(req, err))
	}
	d := h.admitter.Admit(r.Context(), admission.Request{Operation: req.Operation, Namespace: req.Namespace, Pod: pod})
	logDecision(r.Context(), req.Namespace, podName(req.Name, pod), d)
	resp, err := response(req, d)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return "", err
	}
	return string(d.Result), writeReview(w, resp)
}

func writeReview(w http.ResponseWriter, resp *admissionv1.AdmissionResponse) error {
	data, err := encodeReview(resp)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return fmt.Errorf("encode review: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write review: %w", err)
	}
	return nil
}

// logDecision writes one line per refusal at info (a user will ask why), and
// the rest at debug.
func logDecision(ctx context.Context, namespace, name string, d admission.Decision) {
	log := logging.From(ctx)
	ev := log.Debug()
	if d.Result == admission.Refused {
		ev = log.Info().Str("reason", d.Message())
	}
	ev.Str("namespace", namespace).Str("pod", name).Str("result", string(d.Result)).
		Int("ops", len(d.Patch)).Strs("warnings", d.Warnings).Str("skipped", d.Reason).Msg("pod admitted")
}

// podName is the pod's name, or its generateName prefix before the
// apiserver has made one up.
func podName(name string, pod *corev1.Pod) string {
	if name != "" || pod == nil {
		return name
	}
	return pod.GenerateName + "*"
}
