package plugin_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/plugin"
)

type fakeKubelet struct {
	pluginapi.UnimplementedRegistrationServer
	got chan *pluginapi.RegisterRequest
}

func (k *fakeKubelet) Register(_ context.Context, r *pluginapi.RegisterRequest) (*pluginapi.Empty, error) {
	k.got <- r
	return &pluginapi.Empty{}, nil
}

func startKubelet(t *testing.T, dir string, k *fakeKubelet) *grpc.Server {
	t.Helper()
	sock := filepath.Join(dir, "kubelet.sock")
	_ = os.Remove(sock)
	lis, err := net.Listen("unix", sock)
	require.NoError(t, err)
	srv := grpc.NewServer()
	pluginapi.RegisterRegistrationServer(srv, k)
	go func() { _ = srv.Serve(lis) }()
	return srv
}

type staticBackend struct{ healthy atomic.Bool }

func (b *staticBackend) Devices() []*pluginapi.Device {
	return plugin.VirtualDevices([]plugin.Physical{{ID: "GPU-0", Healthy: b.healthy.Load(), NUMA: -1, Replicas: 2}})
}

func (b *staticBackend) Allocate(context.Context, *pluginapi.ContainerAllocateRequest) (*pluginapi.ContainerAllocateResponse, error) {
	return &pluginapi.ContainerAllocateResponse{}, nil
}

func TestServerRegistersAgainAfterKubeletRestart(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "dp") // short: unix socket paths are limited
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	k := &fakeKubelet{got: make(chan *pluginapi.RegisterRequest, 4)}
	kubelet := startKubelet(t, dir, k)
	b := &staticBackend{}
	b.healthy.Store(true)
	s, err := plugin.NewServer(plugin.Options{ResourceName: "nvidia.com/gpu", Dir: dir, Endpoint: "p.sock", Backend: b, Poll: 20 * time.Millisecond})
	require.NoError(t, err)
	log := zerolog.New(zerolog.NewTestWriter(t))
	ctx, cancel := context.WithCancel(log.WithContext(context.Background()))
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })

	r := waitRegister(t, k)
	select {
	case <-s.Registered():
	case <-time.After(10 * time.Second):
		t.Fatal("Registered is not closed after the kubelet accepted the registration")
	}
	require.Equal(t, "nvidia.com/gpu", r.ResourceName)
	require.Equal(t, "p.sock", r.Endpoint)

	conn, err := grpc.NewClient("unix://"+filepath.Join(dir, "p.sock"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	stream, err := pluginapi.NewDevicePluginClient(conn).ListAndWatch(ctx, &pluginapi.Empty{})
	require.NoError(t, err)
	first, err := stream.Recv()
	require.NoError(t, err)
	require.Len(t, first.Devices, 2)
	b.healthy.Store(false)
	s.Changed()
	second, err := stream.Recv()
	require.NoError(t, err)
	require.Equal(t, pluginapi.Unhealthy, second.Devices[0].Health, "a health change reaches the kubelet")

	// A kubelet restart: the old socket goes, a new one is created.
	kubelet.Stop()
	time.Sleep(50 * time.Millisecond)
	kubelet = startKubelet(t, dir, k)
	defer kubelet.Stop()
	waitRegister(t, k)
}

func waitRegister(t *testing.T, k *fakeKubelet) *pluginapi.RegisterRequest {
	t.Helper()
	select {
	case r := <-k.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("plugin did not register")
		return nil
	}
}
