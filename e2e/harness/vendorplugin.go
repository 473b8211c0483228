package harness

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
)

// BuildVendorPlugin builds vendors/<vendor>/cmd/hami-<vendor>-plugin from
// this checkout into dir and returns the binary's path: what the vendor
// suites run against the real kubelet.
func BuildVendorPlugin(t testing.TB, vendor, dir string) string {
	t.Helper()
	paths, err := FindPaths()
	require.NoError(t, err)
	name := "hami-" + vendor + "-plugin"
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/"+name)
	cmd.Dir = filepath.Join(paths.Root, "vendors", vendor)
	// go-nvml's cgo preamble uses declarations newer glibc marks deprecated.
	cmd.Env = append(os.Environ(), "CGO_CFLAGS=-Wno-deprecated-declarations")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build %s: %s", name, out)
	return bin
}

// StartInventoryNATS starts an embedded NATS server (stopped with the
// test) holding the inventory bucket, and returns its URL and the bucket.
func StartInventoryNATS(ctx context.Context, t testing.TB) (string, jetstream.KeyValue) {
	t.Helper()
	srv := natsembedtest.Start(t)
	kv, err := inventory.EnsureBucket(ctx, natsembedtest.Connect(t, srv.ClientURL()))
	require.NoError(t, err)
	return srv.ClientURL(), kv
}

// WaitInventory waits for vendor's inventory of node in the bucket.
func WaitInventory(ctx context.Context, t testing.TB, kv jetstream.KeyValue, vendor, node string) *device.NodeInventory {
	t.Helper()
	var inv *device.NodeInventory
	require.Eventually(t, func() bool {
		e, err := kv.Get(ctx, device.Key(vendor, node))
		if err != nil {
			return false
		}
		inv, err = device.Decode(e.Value())
		return err == nil
	}, 60*time.Second, 200*time.Millisecond, "%s inventory of %s not published", vendor, node)
	return inv
}

// WaitAllocatable waits until node offers count of resource (the
// plugin's virtual devices, as the kubelet counts them).
func (c *Cluster) WaitAllocatable(ctx context.Context, t testing.TB, node, resource, count string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		n, err := c.Client().CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		if err != nil {
			return false, nil //nolint:nilerr // retry until the timeout
		}
		q := n.Status.Allocatable[corev1.ResourceName(resource)]
		return q.String() == count, nil
	})
	require.NoError(t, err, "node %s never offered %s %s", node, count, resource)
}
