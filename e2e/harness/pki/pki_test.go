package pki

import (
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHarnessPKIIssuedCertificatesVerify(t *testing.T) {
	t.Parallel()
	ca, err := NewCA("test-ca")
	require.NoError(t, err)
	serving, err := ca.IssueServing("server", "127.0.0.1", "localhost")
	require.NoError(t, err)
	client, err := ca.IssueClient("system:node:n1", "system:nodes")
	require.NoError(t, err)

	tests := map[string]struct {
		pair  KeyPair
		usage x509.ExtKeyUsage
		check func(*testing.T, *x509.Certificate)
	}{
		"serving": {serving, x509.ExtKeyUsageServerAuth, func(t *testing.T, c *x509.Certificate) {
			require.NoError(t, c.VerifyHostname("127.0.0.1"))
			require.NoError(t, c.VerifyHostname("localhost"))
			require.Error(t, c.VerifyHostname("example.com"))
		}},
		"client": {client, x509.ExtKeyUsageClientAuth, func(t *testing.T, c *x509.Certificate) {
			require.Equal(t, "system:node:n1", c.Subject.CommonName)
			require.Equal(t, []string{"system:nodes"}, c.Subject.Organization)
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			block, _ := pem.Decode(tc.pair.CertPEM)
			require.NotNil(t, block)
			cert, err := x509.ParseCertificate(block.Bytes)
			require.NoError(t, err)
			_, err = cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{tc.usage}})
			require.NoError(t, err, "chains to the CA")
			_, err = tc.pair.TLSCertificate()
			require.NoError(t, err, "key matches certificate")
			tc.check(t, cert)
		})
	}
}

func TestHarnessPKIOtherCARejected(t *testing.T) {
	t.Parallel()
	ca, err := NewCA("a")
	require.NoError(t, err)
	other, err := NewCA("b")
	require.NoError(t, err)
	pair, err := other.IssueServing("server", "127.0.0.1")
	require.NoError(t, err)
	block, _ := pem.Decode(pair.CertPEM)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	_, err = cert.Verify(x509.VerifyOptions{Roots: ca.Pool()})
	require.Error(t, err)
}
