package cambricon_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
	"github.com/hami-project/hami/e2e/harness"
)

const vendor = "cambricon"

// buildPlugin builds cmd/hami-cambricon-plugin into dir.
func buildPlugin(t *testing.T, dir string) string {
	t.Helper()
	paths, err := harness.FindPaths()
	require.NoError(t, err)
	bin := filepath.Join(dir, "hami-cambricon-plugin")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/hami-cambricon-plugin")
	cmd.Dir = filepath.Join(paths.Root, "vendors", "cambricon")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build hami-cambricon-plugin: %s", out)
	return bin
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

// layout is where one test's plugin keeps its files.
type layout struct {
	dir, devRoot, state, kubeconfig, natsURL, node, pluginDir string
}

// pluginArgs are the flags of one plugin process: the fake MLU370-X8 with
// its device files under devRoot and its sMLU state beside the plugin's
// checkpoints, so a restarted plugin sees the same instances. Reconciling
// is hourly: an instance removed while the test runs was removed by the
// start-up reconcile of a restart.
func (l layout) pluginArgs() []string {
	return []string{
		"--node", l.node, "--fake", "MLU370-X8", "--kubeconfig", l.kubeconfig, "--nats-url", l.natsURL,
		"--device-plugin-dir", l.pluginDir, "--state-dir", l.state, "--dev-root", l.devRoot,
		"--heartbeat", "1s", "--inventory-ttl", "5s", "--reconcile", "1h", "--health-interval", "1s",
		"--log-level", "debug",
	}
}

// fakeInstance is one sMLU instance in the fake driver's state file.
type fakeInstance struct {
	Device      int    `json:"device"`
	InstanceID  int    `json:"instanceID"`
	UUID        string `json:"uuid"`
	CorePercent int    `json:"corePercent"`
	MemoryMiB   int    `json:"memoryMiB"`
}

// fakeInstances reads the fake driver's live sMLU instances: what the
// "driver" holds, whatever the plugin believes.
func (l layout) fakeInstances(t *testing.T) []fakeInstance {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(l.state, "fake-cndev-"+l.node+".json"))
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var f struct {
		State struct {
			Instances []fakeInstance `json:"instances"`
		} `json:"state"`
	}
	require.NoError(t, json.Unmarshal(data, &f))
	return f.State.Instances
}

// waitInventory waits for the node's inventory in the bucket.
func waitInventory(ctx context.Context, t *testing.T, kv jetstream.KeyValue, node string) *device.NodeInventory {
	t.Helper()
	var inv *device.NodeInventory
	require.Eventually(t, func() bool {
		e, err := kv.Get(ctx, device.Key(vendor, node))
		if err != nil {
			return false
		}
		inv, err = device.Decode(e.Value())
		return err == nil
	}, 60*time.Second, 200*time.Millisecond, "inventory of %s not published", node)
	return inv
}
