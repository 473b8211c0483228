package plugin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/internal/wait"
)

// Backend is what a vendor supplies to the Server.
type Backend interface {
	// Devices is the device list the kubelet is told about.
	Devices() []*pluginapi.Device
	// Allocate answers one container of an Allocate call.
	Allocate(ctx context.Context, req *pluginapi.ContainerAllocateRequest) (*pluginapi.ContainerAllocateResponse, error)
}

// Preferrer is a Backend that answers GetPreferredAllocation.
type Preferrer interface {
	Prefer(ctx context.Context, req *pluginapi.ContainerPreferredAllocationRequest) []string
}

// Options configure a Server.
type Options struct {
	// ResourceName is the extended resource, e.g. nvidia.com/gpu.
	ResourceName string
	// Dir is the kubelet's device-plugin directory holding kubelet.sock;
	// pluginapi.DevicePluginPath when empty.
	Dir string
	// Endpoint is this plugin's socket file name in Dir.
	Endpoint string
	Backend  Backend
	// Poll is how often kubelet.sock is checked for re-creation (1 s).
	Poll time.Duration
}

// Server serves the device-plugin API for one resource and keeps it
// registered: when the kubelet restarts it re-creates kubelet.sock and
// removes plugin sockets, and the Server then serves and registers again.
type Server struct {
	pluginapi.UnimplementedDevicePluginServer
	opts Options

	// mu guards changed, which is closed and replaced on every device change.
	mu      sync.Mutex
	changed chan struct{}

	registered     chan struct{} // closed at the first registration
	registeredOnce sync.Once
}

var _ pluginapi.DevicePluginServer = (*Server)(nil)

// NewServer validates opts and returns a Server.
func NewServer(opts Options) (*Server, error) {
	if opts.Dir == "" {
		opts.Dir = pluginapi.DevicePluginPath
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.ResourceName == "" || opts.Endpoint == "" || opts.Backend == nil {
		return nil, errors.New("new device-plugin server: resource name, endpoint and backend are required")
	}
	return &Server{opts: opts, changed: make(chan struct{}), registered: make(chan struct{})}, nil
}

// Registered is closed once the kubelet has accepted the first registration:
// from then on the node advertises the resource.
func (s *Server) Registered() <-chan struct{} { return s.registered }

// Changed tells the ListAndWatch streams that the device list changed.
func (s *Server) Changed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) changes() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Run serves and registers until ctx ends, starting over whenever the
// kubelet's socket is re-created or this plugin's socket disappears. A
// registration failure is retried; only a socket that cannot be created is
// fatal.
func (s *Server) Run(ctx context.Context) error {
	log := zerolog.Ctx(ctx).With().Str("resource", s.opts.ResourceName).Logger()
	ctx = log.WithContext(ctx)
	for ctx.Err() == nil {
		if err := s.serveOnce(ctx); err != nil {
			return err
		}
		log.Info().Msg("kubelet restarted or plugin socket removed; serving again")
	}
	return nil
}

// serveOnce serves until ctx ends or the sockets change.
func (s *Server) serveOnce(ctx context.Context) error {
	socket := filepath.Join(s.opts.Dir, s.opts.Endpoint)
	if err := os.Remove(socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove stale socket %s: %w", socket, err)
	}
	lis, err := net.Listen("unix", socket)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", socket, err)
	}
	log := zerolog.Ctx(ctx)
	// Handlers log through the Run context's logger.
	srv := grpc.NewServer(grpc.UnaryInterceptor(func(c context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		return h(log.WithContext(c), req)
	}))
	pluginapi.RegisterDevicePluginServer(srv, s)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(lis) }()
	defer func() { srv.Stop(); <-done; _ = os.Remove(socket) }()

	kubelet := filepath.Join(s.opts.Dir, filepath.Base(pluginapi.KubeletSocket))
	for ctx.Err() == nil {
		if err := s.register(ctx, kubelet); err == nil {
			break
		} else {
			zerolog.Ctx(ctx).Warn().Err(err).Msg("register with kubelet; retrying")
		}
		if !wait.Sleep(ctx, s.opts.Poll) {
			return nil
		}
	}
	zerolog.Ctx(ctx).Info().Str("socket", socket).Msg("registered with kubelet")
	s.registeredOnce.Do(func() { close(s.registered) })
	s.waitSocketsChange(ctx, kubelet, socket)
	return nil
}

func (s *Server) register(ctx context.Context, kubelet string) error {
	conn, err := grpc.NewClient("unix://"+kubelet, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("dial kubelet %s: %w", kubelet, err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = pluginapi.NewRegistrationClient(conn).Register(ctx, &pluginapi.RegisterRequest{
		Version:      pluginapi.Version,
		Endpoint:     s.opts.Endpoint,
		ResourceName: s.opts.ResourceName,
		Options:      s.options(),
	})
	if err != nil {
		return fmt.Errorf("register %s with kubelet %s: %w", s.opts.ResourceName, kubelet, err)
	}
	return nil
}

// waitSocketsChange returns when ctx ends, kubelet.sock is replaced (a new
// kubelet) or our socket is gone (the kubelet cleans the directory).
func (s *Server) waitSocketsChange(ctx context.Context, kubelet, own string) {
	first, _ := os.Stat(kubelet)
	for wait.Sleep(ctx, s.opts.Poll) {
		now, err := os.Stat(kubelet)
		if err != nil || first == nil || !os.SameFile(first, now) || !now.ModTime().Equal(first.ModTime()) {
			return
		}
		if _, err := os.Stat(own); err != nil {
			return
		}
	}
}

func (s *Server) options() *pluginapi.DevicePluginOptions {
	_, prefer := s.opts.Backend.(Preferrer)
	return &pluginapi.DevicePluginOptions{GetPreferredAllocationAvailable: prefer}
}
