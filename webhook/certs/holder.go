package certs

import (
	"crypto/tls"
	"errors"
	"sync/atomic"
)

// Holder serves a certificate that can be swapped while serving (the
// self-signed one after a renewal).
type Holder struct {
	cert atomic.Pointer[tls.Certificate]
}

// Set replaces the certificate served.
func (h *Holder) Set(c tls.Certificate) { h.cert.Store(&c) }

// GetCertificate is for tls.Config.GetCertificate.
func (h *Holder) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c := h.cert.Load()
	if c == nil {
		return nil, errors.New("no serving certificate yet")
	}
	return c, nil
}

// Ready reports whether a certificate is set, for readiness.
func (h *Holder) Ready() error {
	if h.cert.Load() == nil {
		return errors.New("no serving certificate yet")
	}
	return nil
}
