package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/webhook/admission"
	"github.com/hami-project/hami/webhook/admission/admissiontest"
	"github.com/hami-project/hami/webhook/server"
)

type fixture struct {
	srv *httptest.Server
	reg *prometheus.Registry
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	a, err := admission.New(config.Default(), admissiontest.NewFleet(devicetest.Node("n1", 2, 81559)),
		admission.Options{IgnoredNamespaces: admission.DefaultIgnoredNamespaces()})
	require.NoError(t, err)
	reg := prometheus.NewRegistry()
	m, err := server.NewMetrics(reg)
	require.NoError(t, err)
	srv := httptest.NewServer(server.WebhookMux(server.NewHandler(a, m), server.NewReadiness()))
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, reg: reg}
}

func gpuPod(namespace string, limits ...string) *corev1.Pod {
	l := corev1.ResourceList{}
	for i := 0; i+1 < len(limits); i += 2 {
		l[corev1.ResourceName(limits[i])] = resource.MustParse(limits[i+1])
	}
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: namespace},
		Spec: corev1.PodSpec{SchedulerName: corev1.DefaultSchedulerName, Containers: []corev1.Container{
			{Name: "app", Image: "app", Resources: corev1.ResourceRequirements{Limits: l}},
		}},
	}
}

// reviewOf wraps raw pod JSON as kube-apiserver does.
func reviewOf(t testing.TB, namespace string, raw []byte) []byte {
	t.Helper()
	body, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       types.UID("uid-1"),
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Namespace: namespace, Operation: admissionv1.Create,
			Object: runtime.RawExtension{Raw: raw},
		},
	})
	require.NoError(t, err)
	return body
}

func (f *fixture) post(t testing.TB, body []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	resp, err := http.Post(f.srv.URL+"/mutate", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var review admissionv1.AdmissionReview
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&review))
	require.Equal(t, "admission.k8s.io/v1", review.APIVersion)
	require.Equal(t, "AdmissionReview", review.Kind)
	require.NotNil(t, review.Response)
	require.Equal(t, types.UID("uid-1"), review.Response.UID)
	return review.Response
}

func podJSON(t testing.TB, pod *corev1.Pod) []byte {
	t.Helper()
	raw, err := json.Marshal(pod)
	require.NoError(t, err)
	return raw
}

func TestHandlerAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	resp := f.post(t, reviewOf(t, "team-a", podJSON(t, gpuPod("team-a", "nvidia.com/gpumem", "3000"))))
	require.True(t, resp.Allowed)
	require.Equal(t, admissionv1.PatchTypeJSONPatch, *resp.PatchType)
	require.JSONEq(t, `[{"op":"add","path":"/spec/containers/0/resources/limits/nvidia.com~1gpu","value":"1"},
		{"op":"add","path":"/spec/schedulerName","value":"hami-scheduler"}]`, string(resp.Patch))

	resp = f.post(t, reviewOf(t, "team-a", podJSON(t, gpuPod("team-a", "nvidia.com/gpucores", "150"))))
	require.False(t, resp.Allowed)
	require.EqualValues(t, 422, resp.Result.Code)
	require.Equal(t, metav1.StatusReasonInvalid, resp.Result.Reason)
	require.Contains(t, resp.Result.Message, "spec.containers[0].resources.limits[nvidia.com/gpucores]")
	require.Equal(t, "spec.containers[0].resources.limits[nvidia.com/gpucores]", resp.Result.Details.Causes[0].Field)

	resp = f.post(t, reviewOf(t, "kube-system", podJSON(t, gpuPod("kube-system", "nvidia.com/gpucores", "150"))))
	require.True(t, resp.Allowed, "kube-system is opted out")
	require.Empty(t, resp.Patch)

	resp = f.post(t, reviewOf(t, "team-a", []byte(`{"spec": 7}`)))
	require.False(t, resp.Allowed)
	require.Contains(t, resp.Result.Message, "decode pod")

	for result, n := range map[string]float64{"mutated": 1, "refused": 1, "skipped": 1, "error": 1} {
		require.Equal(t, n, f.admissions(t, result), result)
	}
}

// admissions reads hami_webhook_admissions_total{result}.
func (f *fixture) admissions(t testing.TB, result string) float64 {
	t.Helper()
	families, err := f.reg.Gather()
	require.NoError(t, err)
	for _, fam := range families {
		if fam.GetName() != "hami_webhook_admissions_total" {
			continue
		}
		for _, m := range fam.GetMetric() {
			if m.GetLabel()[0].GetValue() == result {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestHandlerRefusesWhatIsNotAReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := map[string]struct {
		method, body string
		status       int
	}{
		"not json":         {http.MethodPost, "{", http.StatusBadRequest},
		"no request":       {http.MethodPost, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, http.StatusBadRequest},
		"v1beta1":          {http.MethodPost, `{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}`, http.StatusBadRequest},
		"GET":              {http.MethodGet, "", http.StatusMethodNotAllowed},
		"body over limits": {http.MethodPost, `{"a":"` + strings.Repeat("x", server.MaxReviewBytes) + `"}`, http.StatusBadRequest},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, f.srv.URL+"/mutate", strings.NewReader(tc.body))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.Equal(t, tc.status, resp.StatusCode)
		})
	}
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	ready := server.NewReadiness()
	notYet := true
	ready.Add("certificate", func() error {
		if notYet {
			return io.EOF
		}
		return nil
	})
	rec := httptest.NewRecorder()
	ready.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Contains(t, rec.Body.String(), "certificate: EOF")
	notYet = false
	rec = httptest.NewRecorder()
	ready.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	require.Equal(t, http.StatusOK, rec.Code)
}

func newRegistry() *prometheus.Registry { return prometheus.NewRegistry() }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
