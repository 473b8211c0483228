// Package tlsfile serves a TLS certificate from a pair of PEM files that
// may be replaced while the server runs (a Secret volume, cert-manager).
package tlsfile

import (
	"crypto/tls"
	"fmt"
	"os"
	"sync"
	"time"
)

// Source serves the certificate in a pair of PEM files and re-reads them
// when their modification time or size changes, so a renewed certificate is
// served without a restart. Until a changed pair loads (the two files are
// rarely replaced at the same instant) it keeps serving the previous one.
type Source struct {
	certPath, keyPath string

	mu    sync.Mutex // guards cert and stamp
	cert  *tls.Certificate
	stamp [2]stamp
}

type stamp struct {
	mod  time.Time
	size int64
}

// New loads the pair; an error names the file at fault.
func New(certPath, keyPath string) (*Source, error) {
	s := &Source{certPath: certPath, keyPath: keyPath}
	if _, err := s.reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// GetCertificate is for tls.Config.GetCertificate.
func (s *Source) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return s.Current()
}

// Current returns the certificate, re-reading the files if they changed.
func (s *Source) Current() (*tls.Certificate, error) {
	cert, err := s.reload()
	if err != nil && cert == nil {
		return nil, err
	}
	return cert, nil
}

// reload re-reads the pair when the files changed and returns the
// certificate to serve; on a failed re-read, the previous one and the error.
func (s *Source) reload() (*tls.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now, err := s.stamps()
	if err != nil {
		return s.cert, err
	}
	if s.cert != nil && now == s.stamp {
		return s.cert, nil
	}
	cert, err := tls.LoadX509KeyPair(s.certPath, s.keyPath)
	if err != nil {
		return s.cert, fmt.Errorf("load certificate %s and key %s: %w", s.certPath, s.keyPath, err)
	}
	s.cert, s.stamp = &cert, now
	return s.cert, nil
}

func (s *Source) stamps() ([2]stamp, error) {
	var out [2]stamp
	for i, p := range []string{s.certPath, s.keyPath} {
		fi, err := os.Stat(p)
		if err != nil {
			return out, fmt.Errorf("stat %s: %w", p, err)
		}
		out[i] = stamp{mod: fi.ModTime(), size: fi.Size()}
	}
	return out, nil
}
