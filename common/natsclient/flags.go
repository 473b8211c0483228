// Package natsclient holds the NATS connection flags every component shares
// (the scheduler, the webhook and each vendor's plugin): credentials and TLS
// for a production NATS cluster, nothing for the embedded server on
// loopback. The files are checked when the flags are read, so a wrong path
// or a certificate without its key stops the component at start with the
// flag's name, not at its first reconnect; nats.go reads them again on
// every connect, so rotated certificates and credentials are picked up.
package natsclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/nats-io/nats.go"
)

// Flags are the NATS client settings of a component. At most one way to
// authenticate is given: a user and password (what the embedded server's
// per-node users take), an nkey, or a credentials file.
type Flags struct {
	// User and PasswordFile, a file holding the user's password.
	User, PasswordFile string
	// Creds is a credentials file (user JWT and nkey seed) for NATS
	// decentralized authentication.
	Creds string
	// NKey is a file holding an nkey user seed.
	NKey string
	// CA is a PEM bundle the server's certificate must chain to; TLS is on
	// when it or a client certificate is given.
	CA string
	// Cert and Key are a client certificate and its key, for servers that
	// require mutual TLS.
	Cert, Key string
}

// Register adds the flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.User, "nats-user", "", "NATS user (with --nats-password-file)")
	fs.StringVar(&f.PasswordFile, "nats-password-file", "", "file holding the password of --nats-user")
	fs.StringVar(&f.Creds, "nats-creds", "", "NATS credentials file (user JWT and nkey seed)")
	fs.StringVar(&f.NKey, "nats-nkey", "", "NATS nkey user seed file (instead of --nats-creds)")
	fs.StringVar(&f.CA, "nats-ca", "", "PEM CA bundle to verify the NATS server's certificate; turns TLS on")
	fs.StringVar(&f.Cert, "nats-cert", "", "client certificate for mutual TLS with NATS (with --nats-key)")
	fs.StringVar(&f.Key, "nats-key", "", "key of --nats-cert")
}

// Empty reports whether no credential or TLS setting is given.
func (f *Flags) Empty() bool { return *f == Flags{} }

// Authenticated reports whether a credential is given. A node's plugin
// with one cannot create the inventory bucket: the scheduler does.
func (f *Flags) Authenticated() bool { return f.User != "" || f.Creds != "" || f.NKey != "" }

// Check checks the flags for a connection to url: they need one, and their
// files must hold what they say.
func (f *Flags) Check(url string) error {
	if _, err := f.Options(); err != nil {
		return err
	}
	if url == "" && !f.Empty() {
		return errors.New("NATS credentials and TLS flags need --nats-url: give the URL of the server they are for")
	}
	return nil
}

// Options checks the files and returns the nats.go options they stand for.
func (f *Flags) Options() ([]nats.Option, error) {
	var opts []nats.Option
	ways := 0
	for _, v := range []string{f.User, f.Creds, f.NKey} {
		if v != "" {
			ways++
		}
	}
	switch {
	case ways > 1:
		return nil, errors.New("--nats-user, --nats-creds and --nats-nkey: give one of them, not several")
	case (f.User == "") != (f.PasswordFile == ""):
		return nil, errors.New("--nats-user and --nats-password-file: give both, or neither")
	case f.User != "":
		if _, err := readPassword(f.PasswordFile); err != nil {
			return nil, err
		}
		// Read on every connect, as nats.go reads the other files: a
		// rotated password is used from the next reconnect. A file gone
		// since start sends no password, and the server's refusal is
		// logged as any failed reconnect.
		user, file := f.User, f.PasswordFile
		opts = append(opts, nats.UserInfoHandler(func() (string, string) {
			pw, _ := readPassword(file)
			return user, pw
		}))
	case f.Creds != "":
		if err := readable("--nats-creds", f.Creds, "USER JWT"); err != nil {
			return nil, err
		}
		opts = append(opts, nats.UserCredentials(f.Creds))
	case f.NKey != "":
		opt, err := nats.NkeyOptionFromSeed(f.NKey)
		if err != nil {
			return nil, fmt.Errorf("--nats-nkey %s: %w (the file holds a user seed, starting SU)", f.NKey, err)
		}
		opts = append(opts, opt)
	}
	if (f.Cert == "") != (f.Key == "") {
		return nil, errors.New("--nats-cert and --nats-key: give both for mutual TLS, or neither")
	}
	if f.Cert != "" {
		if _, err := tls.LoadX509KeyPair(f.Cert, f.Key); err != nil {
			return nil, fmt.Errorf("--nats-cert %s / --nats-key %s: %w", f.Cert, f.Key, err)
		}
		opts = append(opts, nats.ClientCert(f.Cert, f.Key))
	}
	if f.CA != "" {
		pem, err := os.ReadFile(f.CA)
		if err != nil {
			return nil, fmt.Errorf("--nats-ca: %w", err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--nats-ca %s: no PEM certificate in the file", f.CA)
		}
		opts = append(opts, nats.RootCAs(f.CA))
	}
	return opts, nil
}

// readPassword reads the password file, without the line end editors add.
func readPassword(path string) (string, error) {
	pw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--nats-password-file: %w", err)
	}
	return strings.TrimSpace(string(pw)), nil
}

// readable checks that a file can be read and holds marker.
func readable(flagName, path, marker string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", flagName, err)
	}
	if !strings.Contains(string(b), marker) {
		return fmt.Errorf("%s %s: not a NATS credentials file (no %q block; `nsc generate creds` writes one)", flagName, path, marker)
	}
	return nil
}
