package gpuplugin

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"k8s.io/client-go/kubernetes"
)

// SocketDirs gives a node's device-plugin directory (simnode's
// Fleet.SocketDir).
type SocketDirs interface {
	SocketDir(node string) (string, error)
}

// Fleet is one double per node.
type Fleet struct {
	plugins map[string]*Plugin
}

// StartFleet starts a double on every node, all with spec.
func StartFleet(ctx context.Context, nodes []string, dirs SocketDirs, spec Spec, client kubernetes.Interface, js jetstream.JetStream, log zerolog.Logger) (_ *Fleet, err error) {
	f := &Fleet{plugins: make(map[string]*Plugin, len(nodes))}
	defer func() {
		if err != nil {
			f.Stop()
		}
	}()
	for _, node := range nodes {
		dir, err := dirs.SocketDir(node)
		if err != nil {
			return nil, err
		}
		p, err := Start(ctx, Options{Node: node, Dir: dir, Spec: spec, Client: client, JetStream: js, Log: log})
		if err != nil {
			return nil, err
		}
		f.plugins[node] = p
	}
	return f, nil
}

// ErrUnknownNode is returned for a node the fleet has no double on.
var ErrUnknownNode = errors.New("no gpuplugin on node")

// Plugin returns the double of one node.
func (f *Fleet) Plugin(node string) (*Plugin, error) {
	p, ok := f.plugins[node]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownNode, node)
	}
	return p, nil
}

// Stop stops every double.
func (f *Fleet) Stop() {
	for _, p := range f.plugins {
		p.Stop()
	}
}
