package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/hami-project/hami/common/kubeclient"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/tlsfile"
	"github.com/hami-project/hami/webhook/certs"
	"github.com/hami-project/hami/webhook/server"
)

// Intervals of the self-signed mode's loops.
const (
	caBundleRetry = 5 * time.Second
	renewCheck    = 12 * time.Hour
)

// serving returns the TLS config of the admission endpoint.
func serving(ctx context.Context, cfg Config, ready *server.Readiness, background func(string, func(context.Context) error)) (*tls.Config, error) {
	if !cfg.SelfSigned {
		src, err := tlsfile.New(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, err
		}
		ready.Add("certificate", func() error { _, err := src.Current(); return err })
		return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: src.GetCertificate}, nil
	}
	client, err := kubeclient.New(cfg.Kubeconfig)
	if err != nil {
		return nil, err
	}
	s := &certs.SelfSigned{Client: client, Namespace: cfg.SecretNamespace, Name: cfg.SecretName, Hosts: cfg.CertHosts}
	holder := &certs.Holder{}
	b, err := ensure(ctx, s, holder)
	if err != nil {
		return nil, err
	}
	ready.Add("certificate", holder.Ready)
	background("caBundle", func(ctx context.Context) error { return keepCABundle(ctx, client, cfg.WebhookConfigName, b.CACert) })
	background("certificate renewal", func(ctx context.Context) error { return renew(ctx, s, holder) })
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: holder.GetCertificate}, nil
}

func ensure(ctx context.Context, s *certs.SelfSigned, holder *certs.Holder) (*certs.Bundle, error) {
	b, err := s.Ensure(ctx, time.Now())
	if err != nil {
		return nil, fmt.Errorf("self-signed certificate: %w", err)
	}
	pair, err := b.TLSCertificate()
	if err != nil {
		return nil, err
	}
	holder.Set(pair)
	return b, nil
}

// keepCABundle patches the caBundle until it succeeds: the configuration may
// be created after the webhook starts (Helm installs it alongside).
func keepCABundle(ctx context.Context, client kubernetes.Interface, name string, ca []byte) error {
	log := logging.From(ctx)
	for {
		err := certs.PatchCABundle(ctx, client, name, ca)
		if err == nil {
			log.Info().Str("mutatingwebhookconfiguration", name).Msg("caBundle set")
			return nil
		}
		log.Warn().Err(err).Msg("caBundle not set yet; retrying")
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(caBundleRetry):
		}
	}
}

// renew re-checks the stored bundle twice a day, so a long-running webhook
// picks up a renewal (its own or another replica's) before expiry. The CA,
// and so the caBundle, stays the same across renewals.
func renew(ctx context.Context, s *certs.SelfSigned, holder *certs.Holder) error {
	t := time.NewTicker(renewCheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if _, err := ensure(ctx, s, holder); err != nil {
				logging.From(ctx).Error().Err(err).Msg("certificate renewal failed; serving the current one")
			}
		}
	}
}
