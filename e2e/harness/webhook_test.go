package harness_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hami-project/hami/e2e/harness"
)

// TestHarnessMutatingWebhook registers a loopback webhook served with a
// certificate from the cluster CA and sees the apiserver apply its patch.
func TestHarnessMutatingWebhook(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := harness.StartForTest(t, harness.Options{})

	pair, err := c.CA().IssueServing("webhook", "127.0.0.1")
	require.NoError(t, err)
	cert, err := pair.TLSCertificate()
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(labelingWebhook))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	require.NoError(t, c.RegisterMutatingWebhook(ctx, harness.PodMutatingWebhook("label-pods", srv.URL+"/mutate", c.CA().CertPEM())))

	// The apiserver loads new webhook configurations asynchronously; dry-run
	// creations show when it has.
	pod := harness.ProbePod("default", "mutated")
	require.Eventually(t, func() bool {
		got, err := c.Client().CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err == nil && got.Labels["hami.io/webhook"] == "seen"
	}, 15*time.Second, 100*time.Millisecond, "webhook patch applied")
}

// labelingWebhook adds the label hami.io/webhook=seen to every object.
func labelingWebhook(w http.ResponseWriter, r *http.Request) {
	var review admissionv1.AdmissionReview
	if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Request == nil {
		http.Error(w, "bad review", http.StatusBadRequest)
		return
	}
	patch := []byte(`[{"op":"add","path":"/metadata/labels","value":{"hami.io/webhook":"seen"}}]`)
	patchType := admissionv1.PatchTypeJSONPatch
	review.Response = &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true, Patch: patch, PatchType: &patchType}
	review.Request = nil
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(review)
}
