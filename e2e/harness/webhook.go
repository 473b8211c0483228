package harness

import (
	"context"
	"fmt"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// PodMutatingWebhook is a MutatingWebhookConfiguration that sends every pod
// CREATE to url (e.g. https://127.0.0.1:PORT/mutate), trusted through
// caBundle, failing closed. Callers may adjust it before registering.
func PodMutatingWebhook(name, url string, caBundle []byte) *admissionv1.MutatingWebhookConfiguration {
	return &admissionv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Webhooks: []admissionv1.MutatingWebhook{{
			Name:                    name + ".hami.io",
			ClientConfig:            admissionv1.WebhookClientConfig{URL: ptr.To(url), CABundle: caBundle},
			AdmissionReviewVersions: []string{"v1"},
			SideEffects:             ptr.To(admissionv1.SideEffectClassNone),
			FailurePolicy:           ptr.To(admissionv1.Fail),
			ReinvocationPolicy:      ptr.To(admissionv1.NeverReinvocationPolicy),
			Rules: []admissionv1.RuleWithOperations{{
				Operations: []admissionv1.OperationType{admissionv1.Create},
				Rule: admissionv1.Rule{
					APIGroups:   []string{""},
					APIVersions: []string{"v1"},
					Resources:   []string{"pods"},
				},
			}},
		}},
	}
}

// RegisterMutatingWebhook creates cfg (see PodMutatingWebhook). The
// apiserver picks new webhook configurations up within about a second.
func (c *Cluster) RegisterMutatingWebhook(ctx context.Context, cfg *admissionv1.MutatingWebhookConfiguration) error {
	if _, err := c.client.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, cfg, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create mutating webhook %s: %w", cfg.Name, err)
	}
	return nil
}
