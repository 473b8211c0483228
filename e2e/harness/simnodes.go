package harness

import (
	"context"
	"path/filepath"

	"github.com/hami-project/hami/e2e/simnode"
)

// StartSimNodes starts simulated nodes (see package simnode) whose socket
// directories live under the cluster dir unless opts.SocketRoot says
// otherwise; they stop with the cluster.
func (c *Cluster) StartSimNodes(ctx context.Context, opts simnode.Options) (*simnode.Fleet, error) {
	if opts.SocketRoot == "" {
		opts.SocketRoot = filepath.Join(c.dir, "sim")
	}
	if opts.Log == nil {
		opts.Log = &c.log
	}
	f, err := simnode.Start(ctx, c.RESTConfig(), opts)
	if err != nil {
		return nil, err
	}
	c.onStop("simulated nodes", func() error {
		f.Stop()
		return nil
	})
	return f, nil
}
