package cambricon_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const vendor = "cambricon"

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
