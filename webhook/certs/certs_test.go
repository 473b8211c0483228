package certs_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/hami-project/hami/webhook/certs"
)

var (
	hosts = []string{"hami-webhook.hami-system.svc", "127.0.0.1"}
	t0    = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
)

func TestBundleCheck(t *testing.T) {
	t.Parallel()
	b, err := certs.Generate(hosts, t0)
	require.NoError(t, err)
	require.NoError(t, b.Check(hosts, t0))
	require.ErrorContains(t, b.Check([]string{"other.svc"}, t0), "serving certificate for other.svc")
	require.Error(t, b.Check(hosts, t0.Add(certs.ServingValidity-certs.RenewBefore/2)), "expires within RenewBefore")

	again, err := b.Reissue(slices.Concat(hosts, []string{"other.svc"}), t0)
	require.NoError(t, err)
	require.Equal(t, b.CACert, again.CACert, "re-issuing keeps the CA")
	require.NoError(t, again.Check([]string{"other.svc"}, t0))

	broken := *b
	broken.Key = again.Key
	require.ErrorContains(t, broken.Check(hosts, t0), "serving key pair")
}

func TestSelfSignedKeepsItsSecret(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	client := fake.NewClientset()
	s := &certs.SelfSigned{Client: client, Namespace: "hami-system", Name: "hami-webhook-tls", Hosts: hosts}

	first, err := s.Ensure(ctx, t0)
	require.NoError(t, err)
	sec, err := client.CoreV1().Secrets("hami-system").Get(ctx, "hami-webhook-tls", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, corev1.SecretTypeTLS, sec.Type)
	require.Equal(t, first.Cert, sec.Data[corev1.TLSCertKey])

	restart, err := s.Ensure(ctx, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, first, restart, "a restart reuses the stored bundle")

	s.Hosts = slices.Concat(hosts, []string{"hami-webhook.hami-system.svc.cluster.local"})
	moved, err := s.Ensure(ctx, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Equal(t, first.CACert, moved.CACert, "a new host re-issues from the same CA")
	require.NotEqual(t, first.Cert, moved.Cert)

	renewed, err := s.Ensure(ctx, t0.Add(certs.ServingValidity))
	require.NoError(t, err)
	require.Equal(t, first.CACert, renewed.CACert, "renewal keeps the caBundle")
	require.NoError(t, renewed.Check(s.Hosts, t0.Add(certs.ServingValidity)))

	sec, err = client.CoreV1().Secrets("hami-system").Get(ctx, "hami-webhook-tls", metav1.GetOptions{})
	require.NoError(t, err)
	sec.Data[certs.KeyCACert] = []byte("garbage")
	_, err = client.CoreV1().Secrets("hami-system").Update(ctx, sec, metav1.UpdateOptions{})
	require.NoError(t, err)
	fresh, err := s.Ensure(ctx, t0)
	require.NoError(t, err)
	require.NotEqual(t, first.CACert, fresh.CACert, "an unreadable secret is replaced")
	require.NoError(t, fresh.Check(s.Hosts, t0))
}

func TestPatchCABundle(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cfg := &admissionv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "hami-webhook"},
		Webhooks:   []admissionv1.MutatingWebhook{{Name: "pods.hami.io"}, {Name: "other.hami.io", ClientConfig: admissionv1.WebhookClientConfig{CABundle: []byte("old")}}},
	}
	client := fake.NewClientset(cfg)
	require.NoError(t, certs.PatchCABundle(ctx, client, "hami-webhook", []byte("ca")))
	got, err := client.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(ctx, "hami-webhook", metav1.GetOptions{})
	require.NoError(t, err)
	for _, w := range got.Webhooks {
		require.Equal(t, []byte("ca"), w.ClientConfig.CABundle, w.Name)
	}
	require.ErrorContains(t, certs.PatchCABundle(ctx, client, "missing", []byte("ca")), "mutatingwebhookconfiguration missing")
}
