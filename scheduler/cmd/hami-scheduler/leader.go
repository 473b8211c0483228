package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// runLeaderElection campaigns for the Lease until ctx ends, keeping leading
// up to date. Losing the lease only stops binding: filter and prioritize are
// reads and stay served, so a standby is warm when it takes over.
func runLeaderElection(ctx context.Context, client kubernetes.Interface, c *Config, leading *atomic.Bool) {
	log := zerolog.Ctx(ctx)
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: c.LeaseNamespace, Name: c.LeaseName},
		Client:     client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: c.Identity},
	}
	for ctx.Err() == nil {
		leaderelection.RunOrDie(ctx, leaderelection.LeaderElectionConfig{
			Lock:            lock,
			ReleaseOnCancel: true,
			LeaseDuration:   15 * time.Second,
			RenewDeadline:   10 * time.Second,
			RetryPeriod:     2 * time.Second,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(context.Context) {
					leading.Store(true)
					log.Info().Str("identity", c.Identity).Msg("leading: this scheduler binds")
				},
				OnStoppedLeading: func() {
					leading.Store(false)
					log.Warn().Str("identity", c.Identity).Msg("lost the lease: binding stops")
				},
			},
		})
	}
}
