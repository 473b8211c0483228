package partition

import (
	"context"
	"time"

	"github.com/rs/zerolog"
	"k8s.io/apimachinery/pkg/types"
)

// LivePods lists the pods on the node that still hold their devices.
type LivePods interface {
	Live(ctx context.Context) (map[types.UID]bool, error)
}

// Run reconciles now (the start-up reconcile: partitions of pods that went
// while the plugin was down are destroyed) and then every interval until
// ctx ends. The time is taken before the list, so a partition made while
// the list is in flight is never judged by it.
func (m *Manager) Run(ctx context.Context, pods LivePods, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		listedAt := m.now()
		live, err := pods.Live(ctx)
		if err == nil {
			err = m.Reconcile(ctx, live, listedAt)
		}
		if err != nil && ctx.Err() == nil {
			zerolog.Ctx(ctx).Warn().Err(err).Str("vendor", m.vendor).Msg("reconcile partitions")
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
