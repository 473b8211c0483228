package simnode

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// kubeletSocketName is the Registration socket's name inside a node's dir.
const kubeletSocketName = "kubelet.sock"

// registration is the kubelet's Registration service for one node.
type registration struct {
	pluginapi.UnimplementedRegistrationServer
	node *node
}

// startRegistrations opens every node's socket directory and serves
// Registration on <dir>/kubelet.sock.
func (f *Fleet) startRegistrations() error {
	for _, name := range f.names {
		if err := f.nodes[name].serveRegistration(); err != nil {
			return err
		}
	}
	return nil
}

func (n *node) serveRegistration() error {
	if err := os.MkdirAll(n.dir, 0o755); err != nil {
		return fmt.Errorf("create socket dir of %s: %w", n.name, err)
	}
	sock := filepath.Join(n.dir, kubeletSocketName)
	if err := os.Remove(sock); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove stale %s: %w", sock, err)
	}
	l, err := net.Listen("unix", sock)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", sock, err)
	}
	n.reg = grpc.NewServer()
	pluginapi.RegisterRegistrationServer(n.reg, &registration{node: n})
	n.fleet.wg.Add(1)
	go func() {
		defer n.fleet.wg.Done()
		_ = n.reg.Serve(l) // returns when Stop closes the listener
	}()
	return nil
}

// Register accepts a plugin as the kubelet does: check the API version,
// then connect to the plugin's endpoint in the background and start
// consuming ListAndWatch.
func (r *registration) Register(_ context.Context, req *pluginapi.RegisterRequest) (*pluginapi.Empty, error) {
	if req.Version != pluginapi.Version {
		return nil, status.Errorf(codes.InvalidArgument, "unsupported device plugin API version %q, want %q", req.Version, pluginapi.Version)
	}
	if req.ResourceName == "" || req.Endpoint == "" || filepath.Base(req.Endpoint) != req.Endpoint {
		return nil, status.Errorf(codes.InvalidArgument, "invalid registration: resource %q endpoint %q", req.ResourceName, req.Endpoint)
	}
	n := r.node
	conn, err := dialPlugin(filepath.Join(n.dir, req.Endpoint))
	if err != nil {
		return nil, status.Errorf(codes.Unavailable, "connect to plugin %s: %v", req.Endpoint, err)
	}
	p := newPluginConn(n, req.ResourceName, conn, req.Options)
	n.setPlugin(req.ResourceName, p)
	n.fleet.log.Info().Str("node", n.name).Str("resource", req.ResourceName).Str("endpoint", req.Endpoint).Msg("device plugin registered")
	n.fleet.wg.Add(1)
	go func() {
		defer n.fleet.wg.Done()
		p.listAndWatch(n.fleet.ctx)
	}()
	return &pluginapi.Empty{}, nil
}
