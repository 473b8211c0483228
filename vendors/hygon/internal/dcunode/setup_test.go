package dcunode_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/devalloc"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/nodeinv"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/common/plugin/plugintest"
	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/hygon/internal/dcunode"
	"github.com/hami-project/hami/vendors/hygon/sdk"
)

const node = "n1"

// rig is a node of fake Z100s whose state (device files, vDCU configs,
// checkpoints) lives in one directory, so a second rig on the same
// directory is the plugin restarted. Its allocator is the kit's, fed the
// pods the test adds.
type rig struct {
	dir   string
	lib   *sdk.Fake
	node  *dcunode.Node
	env   *pluginrun.Env
	pods  *plugintest.Pods
	alloc *devalloc.Allocator
}

func newRig(t *testing.T, dir string) rig {
	t.Helper()
	lib, err := sdk.NewFake(sdk.ForModel(sdk.ModelZ100, node), sdk.FakeOptions{
		StatePath: filepath.Join(dir, "fake.json"), DevRoot: filepath.Join(dir, "root"),
	})
	require.NoError(t, err)
	require.NoError(t, lib.Init())
	env, err := pluginrun.NewEnv(pluginrun.Config{Vendor: "hygon", Node: node, StateDir: filepath.Join(dir, "state")})
	require.NoError(t, err)
	n, err := dcunode.Discover(lib, dcunode.Options{
		MaxVDCU: 4, VDevDir: filepath.Join(dir, "vdev"), HyhalDir: filepath.Join(dir, "hyhal"),
		DevRoot: filepath.Join(dir, "root"), HealthEvery: 10 * time.Millisecond,
	}, env, lib.Shutdown)
	require.NoError(t, err)
	t.Cleanup(func() { _ = n.Close() })
	ledger, err := plugin.NewLedger("")
	require.NoError(t, err)
	r := rig{dir: dir, lib: lib, node: n, env: env, pods: plugintest.NewPods()}
	published := func() *device.NodeInventory {
		return nodeinv.Build(nodeinv.Spec{Node: node, Vendor: "hygon", Config: config.Default().ForNode(node)},
			n.Devices(), func(string) bool { return true })
	}
	r.alloc = devalloc.New(published, plugin.NewAssigner("hygon", node, r.pods, ledger), n.Answer)
	return r
}

// allocate is the kubelet's Allocate for a new pod carrying a, asking for
// one virtual device of each card a names.
func (r rig) allocate(t *testing.T, pod string, a *allocation.Allocation) (*pluginapi.ContainerAllocateResponse, error) {
	t.Helper()
	r.pods.Add(plugintest.Pod(t, pod, a, time.Unix(0, 0)))
	req := &pluginapi.ContainerAllocateRequest{}
	for _, d := range a.Containers[0].Devices {
		req.DevicesIds = append(req.DevicesIds, plugin.VirtualID(d.ID, 0))
	}
	return r.alloc.Allocate(context.Background(), req)
}

func (r rig) uuid(i int) string { return r.node.Devices()[i].ID }

// share is an allocation of one container "main" with devices in mode.
func share(mode string, mem int64, cores int32, ids ...string) *allocation.Allocation {
	a := allocation.New(node)
	c := allocation.Container{Name: "main"}
	for _, id := range ids {
		c.Devices = append(c.Devices, allocation.Device{Vendor: "hygon", ID: id, MemoryMiB: mem, Cores: cores, Mode: mode})
	}
	a.Containers = []allocation.Container{c}
	return a
}

func devicePaths(resp *pluginapi.ContainerAllocateResponse) []string {
	var out []string
	for _, d := range resp.Devices {
		out = append(out, d.ContainerPath)
	}
	return out
}

func mountOf(resp *pluginapi.ContainerAllocateResponse, containerPath string) (*pluginapi.Mount, bool) {
	for _, m := range resp.Mounts {
		if strings.TrimSuffix(m.ContainerPath, "/") == containerPath {
			return m, true
		}
	}
	return nil, false
}
