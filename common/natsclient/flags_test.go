package natsclient_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/natsclient"
)

func TestFlagsAreRegisteredAndEmptyByDefault(t *testing.T) {
	t.Parallel()
	var f natsclient.Flags
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	f.Register(fs)
	require.True(t, f.Empty())
	opts, err := f.Options()
	require.NoError(t, err)
	require.Empty(t, opts)
	require.NoError(t, fs.Parse([]string{"--nats-ca=/ca.pem", "--nats-cert=/c.pem", "--nats-key=/k.pem", "--nats-nkey=/seed"}))
	require.Equal(t, natsclient.Flags{CA: "/ca.pem", Cert: "/c.pem", Key: "/k.pem", NKey: "/seed"}, f)
	require.True(t, f.Authenticated())
	require.False(t, (&natsclient.Flags{CA: "/ca.pem"}).Authenticated())
}

// Every mistake stops the component at start, with the flag that is wrong.
func TestOptionsRefuseWhatCannotConnect(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	notPEM := write(t, "not.pem", "hello")
	seed := userSeed(t)
	tests := map[string]struct {
		flags natsclient.Flags
		err   string
	}{
		"creds and nkey":       {natsclient.Flags{Creds: seed, NKey: seed}, "give one of them, not several"},
		"user and nkey":        {natsclient.Flags{User: "u", PasswordFile: seed, NKey: seed}, "give one of them, not several"},
		"user, no password":    {natsclient.Flags{User: "u"}, "--nats-user and --nats-password-file: give both"},
		"password, no user":    {natsclient.Flags{PasswordFile: seed}, "--nats-user and --nats-password-file: give both"},
		"missing password":     {natsclient.Flags{User: "u", PasswordFile: "/nonexistent/pw"}, "--nats-password-file: open /nonexistent/pw"},
		"missing creds":        {natsclient.Flags{Creds: "/nonexistent/user.creds"}, "--nats-creds: open /nonexistent/user.creds"},
		"not a creds file":     {natsclient.Flags{Creds: notPEM}, "not a NATS credentials file"},
		"not a seed":           {natsclient.Flags{NKey: notPEM}, "--nats-nkey " + notPEM},
		"cert without key":     {natsclient.Flags{Cert: p.clientCert}, "--nats-cert and --nats-key: give both"},
		"key without cert":     {natsclient.Flags{Key: p.clientKey}, "--nats-cert and --nats-key: give both"},
		"cert with wrong key":  {natsclient.Flags{Cert: p.clientCert, Key: p.serverKey}, "--nats-cert " + p.clientCert},
		"missing CA":           {natsclient.Flags{CA: "/nonexistent/ca.pem"}, "--nats-ca: open /nonexistent/ca.pem"},
		"CA without a cert in": {natsclient.Flags{CA: notPEM}, "no PEM certificate"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.flags.Options()
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// Against a NATS server that requires mutual TLS and a user: the options
// connect, with an nkey or a password, and leaving out the CA, the client
// certificate or the right credential does not.
func TestOptionsConnectToASecuredServer(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	seed, public := userKey(t)
	url := startSecuredServer(t, p, public, &server.User{Username: "node-a", Password: "s3cret"})

	connect := func(f natsclient.Flags) error {
		opts, err := f.Options()
		require.NoError(t, err)
		nc, err := nats.Connect(url, append(opts, nats.MaxReconnects(0), nats.Timeout(5*time.Second))...)
		if err != nil {
			return err
		}
		defer nc.Close()
		return nc.Flush()
	}
	good := natsclient.Flags{NKey: seed, CA: p.ca, Cert: p.clientCert, Key: p.clientKey}
	require.NoError(t, connect(good))

	noCA := good
	noCA.CA = ""
	require.ErrorContains(t, connect(noCA), "certificate signed by unknown authority", "the server's certificate is not trusted without --nats-ca")
	noCert := good
	noCert.Cert, noCert.Key = "", ""
	// TLS 1.3 may report the refusal as the alert or as the connection closed.
	require.ErrorContains(t, connect(noCert), "tls", "the server requires a client certificate")
	otherKey := good
	otherKey.NKey = userSeed(t)
	require.ErrorContains(t, connect(otherKey), "Authorization Violation", "an unknown nkey is refused")

	password := good
	password.NKey, password.User, password.PasswordFile = "", "node-a", write(t, "pw", "s3cret\n")
	require.NoError(t, connect(password))
	password.PasswordFile = write(t, "pw", "wrong")
	require.ErrorContains(t, connect(password), "Authorization Violation")

	// The password file is read on every connect: options taken with the
	// wrong password connect once the file holds the right one.
	opts, err := password.Options()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(password.PasswordFile, []byte("s3cret\n"), 0o600))
	nc, err := nats.Connect(url, append(opts, nats.MaxReconnects(0), nats.Timeout(5*time.Second))...)
	require.NoError(t, err, "the rotated password is used")
	nc.Close()
}

func startSecuredServer(t *testing.T, p pki, nkey string, user *server.User) string {
	t.Helper()
	tlsConfig, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: p.serverCert, KeyFile: p.serverKey, CaFile: p.ca, Verify: true})
	require.NoError(t, err)
	srv, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true,
		TLS: true, TLSVerify: true, TLSConfig: tlsConfig, TLSTimeout: 5,
		Nkeys: []*server.NkeyUser{{Nkey: nkey}}, Users: []*server.User{user},
	})
	require.NoError(t, err)
	srv.Start()
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	require.True(t, srv.ReadyForConnections(10*time.Second), "nats-server not ready")
	return srv.ClientURL()
}

func userKey(t *testing.T) (seedFile, public string) {
	t.Helper()
	kp, err := nkeys.CreateUser()
	require.NoError(t, err)
	seed, err := kp.Seed()
	require.NoError(t, err)
	public, err = kp.PublicKey()
	require.NoError(t, err)
	return write(t, "user.nk", string(seed)), public
}

func userSeed(t *testing.T) string {
	t.Helper()
	seed, _ := userKey(t)
	return seed
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// pki is a CA and a server and a client certificate it signed, as files.
type pki struct {
	ca, serverCert, serverKey, clientCert, clientKey string
}

func newPKI(t *testing.T) pki {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	leaf := func(serial int64, usage x509.ExtKeyUsage, name string) (certFile, keyFile string) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		keyDER, err := x509.MarshalECPrivateKey(key)
		require.NoError(t, err)
		return write(t, name+".pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))),
			write(t, name+"-key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	}
	p := pki{ca: write(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})))}
	p.serverCert, p.serverKey = leaf(2, x509.ExtKeyUsageServerAuth, "server")
	p.clientCert, p.clientKey = leaf(3, x509.ExtKeyUsageClientAuth, "client")
	return p
}

func TestCheckNeedsAURLForCredentials(t *testing.T) {
	t.Parallel()
	pw := write(t, "pw", "x")
	require.NoError(t, (&natsclient.Flags{}).Check(""))
	require.NoError(t, (&natsclient.Flags{User: "u", PasswordFile: pw}).Check("nats://nats:4222"))
	require.ErrorContains(t, (&natsclient.Flags{User: "u", PasswordFile: pw}).Check(""), "need --nats-url")
	require.ErrorContains(t, (&natsclient.Flags{User: "u"}).Check("nats://nats:4222"), "--nats-password-file")
}
