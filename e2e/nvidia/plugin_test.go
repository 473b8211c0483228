package nvidia_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
	"github.com/hami-project/hami/e2e/harness"
)

// buildPlugin builds cmd/hami-nvidia-plugin into dir.
func buildPlugin(t *testing.T, dir string) string {
	t.Helper()
	paths, err := harness.FindPaths()
	require.NoError(t, err)
	bin := filepath.Join(dir, "hami-nvidia-plugin")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/hami-nvidia-plugin")
	cmd.Dir = filepath.Join(paths.Root, "vendors", "nvidia")
	cmd.Env = append(os.Environ(), "CGO_CFLAGS=-Wno-deprecated-declarations")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build hami-nvidia-plugin: %s", out)
	return bin
}

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

// startNATS starts an embedded NATS server with the inventory bucket and
// returns its URL and a JetStream client.
func startNATS(ctx context.Context, t *testing.T) (string, jetstream.KeyValue) {
	t.Helper()
	srv := natsembedtest.Start(t)
	kv, err := inventory.EnsureBucket(ctx, natsembedtest.Connect(t, srv.ClientURL()))
	require.NoError(t, err)
	return srv.ClientURL(), kv
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

// waitInventory waits for the node's inventory in the bucket.
func waitInventory(ctx context.Context, t *testing.T, kv jetstream.KeyValue, node string) *device.NodeInventory {
	t.Helper()
	var inv *device.NodeInventory
	require.Eventually(t, func() bool {
		e, err := kv.Get(ctx, device.Key("nvidia", node))
		if err != nil {
			return false
		}
		inv, err = device.Decode(e.Value())
		return err == nil
	}, 60*time.Second, 200*time.Millisecond, "inventory of %s not published", node)
	return inv
}

func itoa(i int) string { return strconv.Itoa(i) }
