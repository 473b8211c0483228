package certs

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/hami-project/hami/common/logging"
)

// Keys of the Secret holding a bundle: the kubernetes.io/tls pair plus the CA.
const (
	KeyCACert = "ca.crt"
	KeyCAKey  = "ca.key"
)

// SelfSigned keeps a Bundle in a Secret.
type SelfSigned struct {
	Client    kubernetes.Interface
	Namespace string
	Name      string
	// Hosts are the names the serving certificate is for, e.g.
	// hami-webhook.hami-system.svc.
	Hosts []string
}

// Ensure returns the bundle kept in the Secret; when the Secret is missing it
// generates and stores one, and when the serving certificate no longer
// serves Hosts (or expires within RenewBefore) it re-issues it from the kept
// CA. When another replica wrote the Secret first, it uses theirs.
func (s *SelfSigned) Ensure(ctx context.Context, now time.Time) (*Bundle, error) {
	secrets := s.Client.CoreV1().Secrets(s.Namespace)
	for attempt := 0; attempt < 3; attempt++ {
		sec, err := secrets.Get(ctx, s.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			b, err := s.create(ctx, now)
			if apierrors.IsAlreadyExists(err) {
				continue // another replica was first: read theirs
			}
			return b, err
		}
		if err != nil {
			return nil, fmt.Errorf("get secret %s/%s: %w", s.Namespace, s.Name, err)
		}
		b := fromSecret(sec)
		problem := b.Check(s.Hosts, now)
		if problem == nil {
			return b, nil
		}
		logging.From(ctx).Info().Str("secret", s.Namespace+"/"+s.Name).Str("reason", problem.Error()).Msg("replacing the webhook's serving certificate")
		b, err = s.replace(ctx, sec, b, now)
		if apierrors.IsConflict(err) {
			continue // changed under us: read it again
		}
		return b, err
	}
	return nil, errors.New("secret " + s.Namespace + "/" + s.Name + " keeps changing: giving up")
}

func (s *SelfSigned) create(ctx context.Context, now time.Time) (*Bundle, error) {
	b, err := Generate(s.Hosts, now)
	if err != nil {
		return nil, err
	}
	sec := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: map[string]string{"app.kubernetes.io/managed-by": "hami-webhook"}},
		Type:       corev1.SecretTypeTLS,
		Data:       b.data(),
	}
	if _, err := s.Client.CoreV1().Secrets(s.Namespace).Create(ctx, sec, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("create secret %s/%s: %w", s.Namespace, s.Name, err)
	}
	return b, nil
}

// replace re-issues from the kept CA when it is usable, else starts over.
func (s *SelfSigned) replace(ctx context.Context, sec *corev1.Secret, old *Bundle, now time.Time) (*Bundle, error) {
	b, err := old.Reissue(s.Hosts, now)
	if err != nil || b.Check(s.Hosts, now) != nil {
		if b, err = Generate(s.Hosts, now); err != nil {
			return nil, err
		}
	}
	sec = sec.DeepCopy()
	sec.Data = b.data()
	if _, err := s.Client.CoreV1().Secrets(s.Namespace).Update(ctx, sec, metav1.UpdateOptions{}); err != nil {
		return nil, fmt.Errorf("update secret %s/%s: %w", s.Namespace, s.Name, err)
	}
	return b, nil
}

func (b *Bundle) data() map[string][]byte {
	return map[string][]byte{KeyCACert: b.CACert, KeyCAKey: b.CAKey, corev1.TLSCertKey: b.Cert, corev1.TLSPrivateKeyKey: b.Key}
}

func fromSecret(sec *corev1.Secret) *Bundle {
	return &Bundle{CACert: sec.Data[KeyCACert], CAKey: sec.Data[KeyCAKey], Cert: sec.Data[corev1.TLSCertKey], Key: sec.Data[corev1.TLSPrivateKeyKey]}
}
