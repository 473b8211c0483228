package nvidia_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/simnode"
)

// TestNVIDIASimulatedNodesPublish runs one plugin process per simulated
// node (fake dgxh100): each registers with its node and publishes a valid
// inventory of 8 H100s, with GPU ids of its own, in the NATS bucket.
func TestNVIDIASimulatedNodesPublish(t *testing.T) {
	const count = 20
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := harness.StartForTest(t, harness.Options{})
	dir := t.TempDir()
	bin := harness.BuildVendorPlugin(t, "nvidia", dir)
	natsURL, kv := harness.StartInventoryNATS(ctx, t)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	writeKubeconfig(t, c, kubeconfig)
	sockets, err := os.MkdirTemp("", "hn") // unix socket paths are short
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(sockets) })
	fleet, err := c.StartSimNodes(ctx, simnode.Options{Count: count, NamePrefix: "h100-", SocketRoot: sockets})
	require.NoError(t, err)

	for _, node := range fleet.Nodes() {
		sock, err := fleet.SocketDir(node)
		require.NoError(t, err)
		_, err = c.StartComponent("plugin-"+node, bin, pluginArgs(node, sock, filepath.Join(dir, node), kubeconfig, natsURL)...)
		require.NoError(t, err)
	}
	seen := map[string]string{}
	for _, node := range fleet.Nodes() {
		inv := harness.WaitInventory(ctx, t, kv, "nvidia", node)
		require.Equal(t, "nvidia", inv.Vendor)
		require.Len(t, inv.Devices, 8)
		for _, d := range inv.Devices {
			require.Equal(t, "NVIDIA H100 80GB HBM3", d.Type)
			require.True(t, d.Healthy)
			require.Equal(t, int32(10), d.SplitCount)
			require.Empty(t, seen[d.ID], "GPU %s published by %s and %s", d.ID, seen[d.ID], node)
			seen[d.ID] = node
		}
		c.WaitAllocatable(ctx, t, node, "nvidia.com/gpu", "80")
	}
	require.Len(t, seen, count*8)
}
