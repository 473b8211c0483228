package tlsfile_test

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/tlsfile"
	"github.com/hami-project/hami/common/tlsfile/tlsfiletest"
)

func serialOf(t *testing.T, c *tls.Certificate) int64 {
	t.Helper()
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	require.NoError(t, err)
	return leaf.SerialNumber.Int64()
}

func TestSourceReloads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// The files' times are set apart by hand: a renewal within the file
	// system's time resolution would otherwise look unchanged.
	write := func(serial int64, at time.Time) tlsfiletest.Pair {
		p := tlsfiletest.Write(t, dir, serial, "hami-scheduler")
		require.NoError(t, os.Chtimes(p.CertFile, at, at))
		require.NoError(t, os.Chtimes(p.KeyFile, at, at))
		return p
	}
	t0 := time.Now().Add(-time.Hour)
	first := write(1, t0)

	_, err := tlsfile.New(first.CertFile, filepath.Join(dir, "missing.key"))
	require.ErrorContains(t, err, "missing.key")
	src, err := tlsfile.New(first.CertFile, first.KeyFile)
	require.NoError(t, err)
	served, err := src.GetCertificate(nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, serialOf(t, served))

	write(2, t0.Add(time.Minute))
	served, err = src.GetCertificate(nil)
	require.NoError(t, err)
	require.EqualValues(t, 2, serialOf(t, served), "the renewed pair is served")

	// Half-written renewal: the previous pair stays in service.
	require.NoError(t, os.WriteFile(first.KeyFile, []byte("not a key"), 0o600))
	served, err = src.GetCertificate(nil)
	require.NoError(t, err)
	require.EqualValues(t, 2, serialOf(t, served))

	// Files gone: the last good pair is still served.
	require.NoError(t, os.Remove(first.CertFile))
	served, err = src.Current()
	require.NoError(t, err)
	require.EqualValues(t, 2, serialOf(t, served))
}

func TestNewNamesTheBadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	require.NoError(t, os.WriteFile(certPath, []byte("not a certificate"), 0o600))
	require.NoError(t, os.WriteFile(keyPath, []byte("not a key"), 0o600))
	_, err := tlsfile.New(certPath, keyPath)
	require.ErrorContains(t, err, certPath)
}
