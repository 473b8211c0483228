package nvidia_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/hami-project/hami/e2e/harness"
)

// writeKubeconfig writes the cluster's admin credentials for the plugin.
func writeKubeconfig(t *testing.T, c *harness.Cluster, path string) {
	t.Helper()
	rc := c.RESTConfig()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["e2e"] = &clientcmdapi.Cluster{
		Server: rc.Host, CertificateAuthority: rc.CAFile, CertificateAuthorityData: rc.CAData,
	}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{
		Token: rc.BearerToken, ClientCertificate: rc.CertFile, ClientCertificateData: rc.CertData,
		ClientKey: rc.KeyFile, ClientKeyData: rc.KeyData,
	}
	cfg.Contexts["e2e"] = &clientcmdapi.Context{Cluster: "e2e", AuthInfo: "admin"}
	cfg.CurrentContext = "e2e"
	require.NoError(t, clientcmd.WriteToFile(*cfg, path))
}

// pluginArgs are the flags of one plugin process; state lives under dir.
func pluginArgs(node, pluginDir, dir, kubeconfig, natsURL string) []string {
	return []string{
		"--node", node, "--fake", "dgxh100", "--kubeconfig", kubeconfig, "--nats-url", natsURL,
		"--device-plugin-dir", pluginDir, "--state-dir", filepath.Join(dir, "state"),
		"--limiter-dir", filepath.Join(dir, "vgpu"), "--region-dir", filepath.Join(dir, "regions"),
		"--limits-dir", filepath.Join(dir, "limits"),
		"--heartbeat", "1s", "--inventory-ttl", "5s", "--log-level", "debug",
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
