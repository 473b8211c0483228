package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/webhook/admission"
	"github.com/hami-project/hami/webhook/server"
)

// FuzzReview sends arbitrary pod JSON through the real handler. It must
// never panic, always answer a review, and when it mutates, its patch must
// apply to the pod as the apiserver sends it (its canonical JSON) and be
// the last: the patched pod comes back unchanged.
func FuzzReview(f *testing.F) {
	for _, seed := range []string{
		`{"spec":{"containers":[{"name":"a","resources":{"limits":{"nvidia.com/gpumem":"3000"}}}]}}`,
		`{"spec":{"containers":[{"name":"a","resources":{"limits":{"volcano.sh/vgpu-number":"1","volcano.sh/vgpu-memory":"2048"},"requests":{"volcano.sh/vgpu-number":"1"}}}]}}`,
		`{"spec":{"initContainers":[{"resources":{"requests":{"nvidia.com/gpucores":"10"}}}],"containers":null}}`,
		`{"metadata":{"annotations":{"nvidia.com/vgpu-mode":"mig","nvidia.com/use-gputype":"A100"}},"spec":{"nodeName":"n","containers":[{"securityContext":{"privileged":true},"resources":{"limits":{"nvidia.com/gpu":"1"}}}]}}`,
		`{"spec":{"containers":[{"resources":{"limits":{"nvidia.com/gpu":"0.5","nvidia.com/gpumem-percentage":"101","cambricon.com/mlumem":"-1"}}}]}}`,
		`{"spec":{"containers":[{"resources":{"limits":{"nvidia.com/gpu":"1e3","nvidia.com/gpumem":"3Gi","hygon.com/dcunum":"2"}}}]}}`,
		`{"spec":{"schedulerName":"hami-scheduler","containers":[{"resources":{"limits":{"nvidia.com/gpu":"1"},"requests":null}}]}}`,
		`null`, `[]`, `{"spec":{"containers":[null]}}`, `"x"`,
	} {
		f.Add([]byte(seed))
	}
	cfg := config.Default()
	cfg.DefaultMem, cfg.DefaultCores = 1024, 10
	a, err := admission.New(cfg, nil, admission.Options{})
	if err != nil {
		f.Fatal(err)
	}
	m, err := server.NewMetrics(newRegistry())
	if err != nil {
		f.Fatal(err)
	}
	h := server.NewHandler(a, m)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // the apiserver sends JSON; the envelope could not carry it
		}
		resp := serve(t, h, raw)
		if !resp.Allowed || len(resp.Patch) == 0 {
			return
		}
		// The pod as the apiserver would send it: canonical JSON.
		var pod corev1.Pod
		if err := json.Unmarshal(raw, &pod); err != nil {
			t.Fatalf("mutated a pod that does not decode: %v", err)
		}
		canonical, _ := json.Marshal(&pod)
		patch, err := jsonpatch.DecodePatch(resp.Patch)
		if err != nil {
			t.Fatalf("patch does not decode: %v\n%s", err, resp.Patch)
		}
		patched, err := patch.Apply(canonical)
		if err != nil {
			t.Fatalf("patch does not apply: %v\npod %s\npatch %s", err, canonical, resp.Patch)
		}
		again := serve(t, h, patched)
		if !again.Allowed || len(again.Patch) != 0 {
			t.Fatalf("not idempotent: second answer %+v\npod %s\nfirst patch %s", again, canonical, resp.Patch)
		}
	})
}

func serve(t *testing.T, h http.Handler, raw []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytesReader(reviewOf(t, "team-a", raw))))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &review); err != nil || review.Response == nil {
		t.Fatalf("no review in the answer (%v): %s", err, rec.Body)
	}
	return review.Response
}
