package harness

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/hami-project/hami/e2e/harness/pki"
)

// apiserverFiles are what kube-apiserver reads at start.
type apiserverFiles struct {
	servingCert, servingKey string
	kubeletCert, kubeletKey string
	caFile, tokenFile       string
	saKey, saPub            string
}

// startAPIServer starts kube-apiserver with TLS, token and client-cert auth,
// Node+RBAC authorization and the default admission chain plus
// NodeRestriction, then waits for /readyz.
func (c *Cluster) startAPIServer(ctx context.Context, etcdURL string) error {
	files, err := c.writeAPIServerFiles()
	if err != nil {
		return err
	}
	port, err := FreePort()
	if err != nil {
		return err
	}
	c.admin = &rest.Config{
		Host:        "https://127.0.0.1:" + strconv.Itoa(port),
		BearerToken: c.tokens[adminUser],
		QPS:         200,
		Burst:       400,
	}
	c.admin.CAData = c.ca.CertPEM()
	p, err := c.startProcess("kube-apiserver", c.paths.KubeAPIServer, 15*time.Second, apiserverArgs(c.dir, etcdURL, port, files)...)
	if err != nil {
		return err
	}
	readyz := &http.Client{Timeout: 2 * time.Second, Transport: bearerTransport(c.admin, c.ca)}
	if err := waitHTTP(ctx, p, readyz, c.admin.Host+"/readyz"); err != nil {
		return err
	}
	if c.client, err = kubernetes.NewForConfig(c.admin); err != nil {
		return fmt.Errorf("admin client: %w", err)
	}
	return writeKubeconfig(c.Kubeconfig(), c.admin)
}

func apiserverArgs(dir, etcdURL string, port int, f apiserverFiles) []string {
	return []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--endpoint-reconciler-type=none",
		"--cert-dir=" + filepath.Join(dir, "apiserver-certs"),
		"--tls-cert-file=" + f.servingCert,
		"--tls-private-key-file=" + f.servingKey,
		"--client-ca-file=" + f.caFile,
		"--token-auth-file=" + f.tokenFile,
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NodeRestriction",
		"--allow-privileged=true",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + f.saPub,
		"--service-account-signing-key-file=" + f.saKey,
		"--kubelet-client-certificate=" + f.kubeletCert,
		"--kubelet-client-key=" + f.kubeletKey,
		"--kubelet-certificate-authority=" + f.caFile,
		// The real kubelet listens on 127.0.0.1 only and the kubelet refuses a
		// loopback node IP, so the apiserver reaches it by node name, which
		// is "localhost".
		"--kubelet-preferred-address-types=Hostname,InternalIP",
		"--profiling=false",
		"--v=1",
	}
}

func (c *Cluster) writeAPIServerFiles() (apiserverFiles, error) {
	var f apiserverFiles
	serving, err := c.ca.IssueServing("kube-apiserver", "127.0.0.1", "localhost", "kubernetes",
		"kubernetes.default", "kubernetes.default.svc", "10.96.0.1")
	if err != nil {
		return f, err
	}
	if f.servingCert, f.servingKey, err = serving.WriteFiles(c.dir, "apiserver"); err != nil {
		return f, err
	}
	kubeletClient, err := c.ca.IssueClient("kube-apiserver-kubelet-client", "system:masters")
	if err != nil {
		return f, err
	}
	if f.kubeletCert, f.kubeletKey, err = kubeletClient.WriteFiles(c.dir, "apiserver-kubelet-client"); err != nil {
		return f, err
	}
	priv, pub, err := pki.GenerateSigningKey()
	if err != nil {
		return f, err
	}
	f.caFile = filepath.Join(c.dir, "ca.crt")
	f.saKey = filepath.Join(c.dir, "sa.key")
	f.saPub = filepath.Join(c.dir, "sa.pub")
	f.tokenFile = filepath.Join(c.dir, "tokens.csv")
	for path, data := range map[string][]byte{f.caFile: c.ca.CertPEM(), f.saKey: priv, f.saPub: pub} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return f, fmt.Errorf("write %s: %w", path, err)
		}
	}
	return f, c.tokens.writeFile(f.tokenFile)
}

func bearerTransport(cfg *rest.Config, ca *pki.CA) http.RoundTripper {
	tlsCfg := &rest.Config{Host: cfg.Host, BearerToken: cfg.BearerToken}
	tlsCfg.CAData = ca.CertPEM()
	rt, err := rest.TransportFor(tlsCfg)
	if err != nil {
		// Only malformed CA data fails here, and the CA was just generated.
		return http.DefaultTransport
	}
	return rt
}
