package simnode

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// createNodes registers every node with a bounded number of concurrent
// requests and stops at the first error.
func (f *Fleet) createNodes(ctx context.Context) error {
	return f.forEachNode(ctx, func(ctx context.Context, n *node) error { return n.register(ctx) })
}

// startLeaseRenewal renews every node's Lease once per interval, spreading
// the work over a fixed worker pool.
func (f *Fleet) startLeaseRenewal() {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		ticker := time.NewTicker(f.opts.LeaseRenewInterval)
		defer ticker.Stop()
		for {
			select {
			case <-f.ctx.Done():
				return
			case <-ticker.C:
			}
			err := f.forEachNode(f.ctx, func(ctx context.Context, n *node) error { return n.renewLease(ctx) })
			if err != nil && f.ctx.Err() == nil {
				f.log.Warn().Err(err).Msg("lease renewal")
			}
		}
	}()
}

// forEachNode runs fn for every node on opts.Workers goroutines and returns
// the first error; the others are still attempted.
func (f *Fleet) forEachNode(ctx context.Context, fn func(context.Context, *node) error) error {
	work := make(chan *node)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		failures int
	)
	for range f.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				if err := fn(ctx, n); err != nil {
					mu.Lock()
					failures++
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, name := range f.names {
		select {
		case work <- f.nodes[name]:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("%d of %d nodes failed, first: %w", failures, len(f.names), firstErr)
	}
	return ctx.Err()
}
