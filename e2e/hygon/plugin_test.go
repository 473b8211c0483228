package hygone2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/e2e/harness"
)

// suite is what one test run starts: a cluster with the real node, NATS,
// the plugin binary and the plugin's directories.
type suite struct {
	c       *harness.Cluster
	node    *harness.Node
	dir     string
	bin     string
	natsURL string
	kv      jetstream.KeyValue
}

func startSuite(ctx context.Context, t *testing.T) *suite {
	t.Helper()
	c := harness.StartForTest(t, harness.Options{})
	n := c.StartNodeForTest(t, harness.NodeOptions{})
	s := &suite{c: c, node: n, dir: t.TempDir()}
	s.bin = harness.BuildVendorPlugin(t, "hygon", s.dir)
	s.natsURL, s.kv = harness.StartInventoryNATS(ctx, t)
	// A host DTK directory, so the read-only /opt/hyhal mount is checked.
	require.NoError(t, os.MkdirAll(s.hostPath("hyhal"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(s.hostPath("hyhal"), "version"), []byte("dtk-fake\n"), 0o644))
	return s
}

func (s *suite) hostPath(name string) string { return filepath.Join(s.dir, name) }

// startPlugin starts the plugin with the fake Z100 node. Reconciling is
// hourly, so a vDCU removed while the test runs was removed by the
// start-up reconcile of a restart.
func (s *suite) startPlugin(t *testing.T, name string) func() {
	t.Helper()
	p, err := s.c.StartComponent(name, s.bin,
		"--node", s.node.Name, "--fake", "Z100", "--kubeconfig", s.c.Kubeconfig(), "--nats-url", s.natsURL,
		"--device-plugin-dir", s.node.DevicePluginDir(), "--state-dir", s.hostPath("state"),
		"--dev-root", s.hostPath("root"), "--vdev-dir", s.hostPath("vdev"), "--hyhal-dir", s.hostPath("hyhal"),
		"--reconcile", "1h", "--heartbeat", "1s", "--inventory-ttl", "5s", "--log-level", "debug")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		log, _ := os.ReadFile(p.LogPath())
		return strings.Contains(string(log), "registered with kubelet")
	}, 60*time.Second, 100*time.Millisecond, "%s did not register with the kubelet", name)
	return func() { require.NoError(t, p.Stop(5*time.Second)) }
}

// inventory waits for the node's Hygon inventory in the bucket.
func (s *suite) inventory(ctx context.Context, t *testing.T) *device.NodeInventory {
	t.Helper()
	return harness.WaitInventory(ctx, t, s.kv, "hygon", s.node.Name)
}

// waitAllocatable waits until the kubelet offers count vDCU slots.
func (s *suite) waitAllocatable(ctx context.Context, t *testing.T, count string) {
	t.Helper()
	s.c.WaitAllocatable(ctx, t, s.node.Name, "hygon.com/dcunum", count)
}

// read waits for the probe's report in the pod's logs (a pod that stays
// up may not have printed it yet when it is seen running).
func (s *suite) read(ctx context.Context, t *testing.T, pod string) *harness.ProbeReport {
	t.Helper()
	var got *harness.ProbeReport
	require.Eventually(t, func() bool {
		var err error
		got, err = harness.ReadProbe(ctx, s.c.Client(), "default", pod)
		return err == nil
	}, 60*time.Second, 200*time.Millisecond, "no report from pod %s", pod)
	return got
}
