package pluginrun_test

import (
	"context"
	"encoding/json"
	"flag"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/common/pluginrun"
)

// vendor is a vendor with two devices whose health the test flips.
type vendor struct{ unhealthy chan string }

func (v *vendor) Name() string                { return "cambricon" }
func (v *vendor) RegisterFlags(*flag.FlagSet) {}
func (v *vendor) Validate() error             { return nil }
func (v *vendor) Open(context.Context, *pluginrun.Env) (pluginrun.Node, error) {
	return &node{v: v}, nil
}

type node struct{ v *vendor }

func (n *node) Devices() []device.Device {
	d := func(id string, i int) device.Device {
		return device.Device{ID: id, Index: i, Type: "MLU370-X8", MemoryMiB: 49152, Cores: 100, Modes: []string{"hami-core"}}
	}
	return []device.Device{d("MLU-a", 0), d("MLU-b", 1)}
}

func (n *node) Watch(ctx context.Context, r health.Reporter) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case id := <-n.v.unhealthy:
			r.Set(id, false, "test")
		}
	}
}

func (n *node) Answer(context.Context, *plugin.Pending, []device.Device) (*pluginapi.ContainerAllocateResponse, error) {
	return &pluginapi.ContainerAllocateResponse{}, nil
}
func (n *node) Close() error { return nil }

type kubelet struct {
	pluginapi.UnimplementedRegistrationServer
	got chan *pluginapi.RegisterRequest
}

func (k *kubelet) Register(_ context.Context, r *pluginapi.RegisterRequest) (*pluginapi.Empty, error) {
	k.got <- r
	return &pluginapi.Empty{}, nil
}

func startKubelet(t *testing.T, dir string) *kubelet {
	t.Helper()
	k := &kubelet{got: make(chan *pluginapi.RegisterRequest, 4)}
	lis, err := net.Listen("unix", filepath.Join(dir, "kubelet.sock"))
	require.NoError(t, err)
	srv := grpc.NewServer()
	pluginapi.RegisterRegistrationServer(srv, k)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return k
}

const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`

// The plugin registers and publishes under the names the configuration
// gives, not the built-in defaults, and a health change reaches the
// inventory.
func TestRunRegistersAndPublishesTheConfiguredNames(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "run") // short: unix socket paths are limited
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	k := startKubelet(t, dir)
	srv := natsembedtest.Start(t)
	cfg := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("apiVersion: config.hami.io/v1\nkind: HAMiConfig\ndeviceSplitCount: 3\n"+
		"vendors:\n  cambricon:\n    count: example.com/mlu\n    memory: example.com/mlu-memory\n"), 0o600))
	kc := filepath.Join(dir, "kubeconfig")
	require.NoError(t, os.WriteFile(kc, []byte(kubeconfig), 0o600))

	v := &vendor{unhealthy: make(chan string, 1)}
	c, err := pluginrun.Parse("test", []string{
		"--node=node-a", "--config=" + cfg, "--kubeconfig=" + kc, "--device-plugin-dir=" + dir,
		"--state-dir=" + filepath.Join(dir, "state"), "--nats-url=" + srv.ClientURL(), "--heartbeat=100ms", "--inventory-ttl=5s",
	}, v)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(zerolog.New(zerolog.NewTestWriter(t)).WithContext(context.Background()))
	done := make(chan error, 1)
	go func() { done <- pluginrun.Run(ctx, c, v, "9.9.9") }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })

	select {
	case r := <-k.got:
		require.Equal(t, "example.com/mlu", r.ResourceName)
		require.Equal(t, "hami-cambricon.sock", r.Endpoint)
	case <-time.After(10 * time.Second):
		t.Fatal("the plugin did not register with the kubelet")
	}

	js := natsembedtest.Connect(t, srv.ClientURL())
	read := func() *device.NodeInventory {
		kv, err := js.KeyValue(ctx, inventory.DefaultBucket)
		if err != nil {
			return nil
		}
		e, err := kv.Get(ctx, "cambricon.node-a")
		if err != nil {
			return nil
		}
		var inv device.NodeInventory
		require.NoError(t, json.Unmarshal(e.Value(), &inv))
		return &inv
	}
	require.Eventually(t, func() bool { return read() != nil }, 10*time.Second, 20*time.Millisecond)
	inv := read()
	require.Equal(t, "example.com/mlu-memory", inv.Resources.Memory)
	require.Equal(t, "9.9.9", inv.PluginVersion)
	require.Len(t, inv.Devices, 2)
	require.Equal(t, int32(3), inv.Devices[0].SplitCount)

	v.unhealthy <- "MLU-b"
	require.Eventually(t, func() bool {
		inv := read()
		return inv != nil && !inv.Devices[1].Healthy && inv.Devices[0].Healthy
	}, 10*time.Second, 20*time.Millisecond)
}

func TestParseNamesBadFlags(t *testing.T) {
	t.Parallel()
	_, err := pluginrun.Parse("test", []string{"--node=", "--heartbeat=1m", "--inventory-ttl=30s", "--endpoint=a/b.sock"}, &vendor{})
	require.ErrorContains(t, err, "--node (or NODE_NAME) is required")
	require.ErrorContains(t, err, "--heartbeat")
	require.ErrorContains(t, err, "--endpoint")
	_, err = pluginrun.Parse("test", []string{"--node=a", "stray"}, &vendor{})
	require.ErrorContains(t, err, "unexpected arguments")
}
