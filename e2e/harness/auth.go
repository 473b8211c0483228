package harness

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Users the harness authenticates with static tokens.
const (
	adminUser     = "hami-e2e-admin"
	schedulerUser = "system:kube-scheduler"
)

// tokens maps user name to bearer token.
type tokens map[string]string

func newTokens() tokens {
	return tokens{adminUser: randomToken(), schedulerUser: randomToken()}
}

// writeFile writes the apiserver's --token-auth-file.
func (t tokens) writeFile(path string) error {
	groups := map[string]string{adminUser: "system:masters"}
	var b strings.Builder
	for user, token := range t {
		fmt.Fprintf(&b, "%s,%s,%s,\"%s\"\n", token, user, user, groups[user])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	return nil
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}

// writeKubeconfig writes cfg (token or client certificate) as a kubeconfig.
func writeKubeconfig(path string, cfg *rest.Config) error {
	kc := clientcmdapi.Config{
		Clusters: map[string]*clientcmdapi.Cluster{"e2e": {
			Server:                   cfg.Host,
			CertificateAuthorityData: cfg.CAData,
		}},
		AuthInfos: map[string]*clientcmdapi.AuthInfo{"e2e": {
			Token:                 cfg.BearerToken,
			ClientCertificateData: cfg.CertData,
			ClientKeyData:         cfg.KeyData,
		}},
		Contexts:       map[string]*clientcmdapi.Context{"e2e": {Cluster: "e2e", AuthInfo: "e2e"}},
		CurrentContext: "e2e",
	}
	if err := clientcmd.WriteToFile(kc, path); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}

// userConfig is a client config for the apiserver with the given token.
func (c *Cluster) userConfig(token string) *rest.Config {
	cfg := &rest.Config{
		Host:        c.admin.Host,
		BearerToken: token,
		QPS:         200,
		Burst:       400,
	}
	cfg.CAData = c.ca.CertPEM()
	return cfg
}
