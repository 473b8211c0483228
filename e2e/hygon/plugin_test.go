package hygone2e_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/harness/image"
)

// probeImage is vdevprobe's image, built by the suite.
const probeImage = "hami.local/hygon-vdevprobe:e2e"

// suite is what one test run starts: a cluster with the real node, NATS,
// the plugin binary, the probe image and the plugin's directories.
type suite struct {
	c       *harness.Cluster
	node    *harness.Node
	dir     string
	bin     string
	natsURL string
}

func startSuite(ctx context.Context, t *testing.T) *suite {
	t.Helper()
	c := harness.StartForTest(t, harness.Options{})
	n := c.StartNodeForTest(t, harness.NodeOptions{})
	s := &suite{c: c, node: n, dir: t.TempDir()}
	paths, err := harness.FindPaths()
	require.NoError(t, err)
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(s.dir, "hami-hygon-plugin"), "./cmd/hami-hygon-plugin")
	build.Dir = filepath.Join(paths.Root, "vendors", "hygon")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "build hami-hygon-plugin: %s", out)
	s.bin = filepath.Join(s.dir, "hami-hygon-plugin")

	bin, err := image.BuildStatic(ctx, paths.E2EModule, "./hygon/vdevprobe", filepath.Join(s.dir, "vdevprobe"))
	require.NoError(t, err)
	tar := filepath.Join(s.dir, "vdevprobe.tar")
	require.NoError(t, image.WriteDockerArchiveFile(tar, image.Image{
		Ref: probeImage, Entrypoint: []string{"/vdevprobe"}, Env: []string{"PATH=/"},
		Files: []image.File{{Path: "vdevprobe", Mode: 0o755, Data: bin}},
	}))
	require.NoError(t, n.ImportImage(ctx, tar))

	srv := natsembedtest.Start(t)
	_, err = inventory.EnsureBucket(ctx, natsembedtest.Connect(t, srv.ClientURL()))
	require.NoError(t, err)
	s.natsURL = srv.ClientURL()
	// A host DTK directory, so the read-only /opt/hyhal mount is checked.
	require.NoError(t, os.MkdirAll(s.hostPath("hyhal"), 0o755))
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
	kv, err := inventory.EnsureBucket(ctx, natsembedtest.Connect(t, s.natsURL))
	require.NoError(t, err)
	var inv *device.NodeInventory
	require.Eventually(t, func() bool {
		e, err := kv.Get(ctx, device.Key("hygon", s.node.Name))
		if err == nil {
			inv, err = device.Decode(e.Value())
		}
		return err == nil
	}, 60*time.Second, 200*time.Millisecond, "no hygon inventory for %s", s.node.Name)
	return inv
}

// waitAllocatable waits until the kubelet offers count vDCU slots.
func (s *suite) waitAllocatable(ctx context.Context, t *testing.T, count string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		n, err := s.c.Client().CoreV1().Nodes().Get(ctx, s.node.Name, metav1.GetOptions{})
		if err != nil {
			return false, nil //nolint:nilerr // retry until the timeout
		}
		q := n.Status.Allocatable["hygon.com/dcunum"]
		return q.String() == count, nil
	})
	require.NoError(t, err, "node never offered %s hygon.com/dcunum", count)
}

// seen is what a probe reported from inside its container.
type seen struct {
	report *harness.ProbeReport
	files  map[string]string
}

// read waits for the probe's report in the pod's logs.
func (s *suite) read(ctx context.Context, t *testing.T, pod string) seen {
	t.Helper()
	var got seen
	require.Eventually(t, func() bool {
		r, err := harness.ReadProbe(ctx, s.c.Client(), "default", pod)
		if err != nil {
			return false
		}
		raw, err := s.c.Client().CoreV1().Pods("default").GetLogs(pod, &corev1.PodLogOptions{}).DoRaw(ctx)
		if err != nil {
			return false
		}
		for line := range strings.SplitSeq(string(raw), "\n") {
			if body, ok := strings.CutPrefix(line, "VDEV "); ok {
				got = seen{report: r}
				return json.Unmarshal([]byte(body), &got.files) == nil
			}
		}
		return false
	}, 60*time.Second, 200*time.Millisecond, "no report from pod %s", pod)
	return got
}
