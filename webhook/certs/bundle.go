package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Validity of what Generate issues, and how long before expiry a bundle is
// replaced.
const (
	CAValidity      = 10 * 365 * 24 * time.Hour
	ServingValidity = 365 * 24 * time.Hour
	RenewBefore     = 30 * 24 * time.Hour
)

// Bundle is a CA and a serving certificate it signed, PEM encoded. The CA key
// is kept so a later start can re-issue the serving certificate for other
// hosts without changing the caBundle.
type Bundle struct {
	CACert, CAKey []byte
	Cert, Key     []byte
}

// Generate creates a CA and a serving certificate for hosts (DNS names or
// IP addresses).
func Generate(hosts []string, now time.Time) (*Bundle, error) {
	if len(hosts) == 0 {
		return nil, errors.New("generate certificate: no host names")
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate ca key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "hami-webhook-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(CAValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true, IsCA: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("sign ca: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("parse ca: %w", err)
	}
	b := &Bundle{CACert: pemBlock("CERTIFICATE", caDER)}
	if b.CAKey, err = marshalKey(caKey); err != nil {
		return nil, err
	}
	if err := b.issue(ca, caKey, hosts, now); err != nil {
		return nil, err
	}
	return b, nil
}

// issue signs a serving certificate for hosts with the CA.
func (b *Bundle) issue(ca *x509.Certificate, caKey *ecdsa.PrivateKey, hosts []string, now time.Time) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate serving key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: hosts[0]},
		NotBefore: now.Add(-time.Hour), NotAfter: minTime(now.Add(ServingValidity), ca.NotAfter),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("sign serving certificate: %w", err)
	}
	b.Cert = pemBlock("CERTIFICATE", der)
	b.Key, err = marshalKey(key)
	return err
}

// Check says why the bundle cannot serve hosts at now (unreadable, not
// signed by its CA, a host missing, expiring within RenewBefore); nil when
// it can.
func (b *Bundle) Check(hosts []string, now time.Time) error {
	ca, err := parseCert(b.CACert)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	cert, err := parseCert(b.Cert)
	if err != nil {
		return fmt.Errorf("serving certificate: %w", err)
	}
	if _, err := b.TLSCertificate(); err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	for _, h := range hosts {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: h, Roots: pool, CurrentTime: now.Add(RenewBefore)}); err != nil {
			return fmt.Errorf("serving certificate for %s: %w", h, err)
		}
	}
	return nil
}

// Reissue signs a new serving certificate for hosts with the bundle's CA,
// keeping the CA (and so the caBundle) unchanged.
func (b *Bundle) Reissue(hosts []string, now time.Time) (*Bundle, error) {
	ca, err := parseCert(b.CACert)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	block, _ := pem.Decode(b.CAKey)
	if block == nil {
		return nil, errors.New("ca key: no PEM block")
	}
	caKey, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("ca key: %w", err)
	}
	out := &Bundle{CACert: b.CACert, CAKey: b.CAKey}
	if err := out.issue(ca, caKey, hosts, now); err != nil {
		return nil, err
	}
	return out, nil
}

// TLSCertificate is the serving pair for a tls.Config.
func (b *Bundle) TLSCertificate() (tls.Certificate, error) {
	c, err := tls.X509KeyPair(b.Cert, b.Key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("serving key pair: %w", err)
	}
	return c, nil
}

func parseCert(data []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

func marshalKey(k *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	return pemBlock("EC PRIVATE KEY", der), nil
}

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		// crypto/rand does not fail on Linux; a time-based serial is still unique enough.
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
