// Package health owns a node's device health as its plugin sees it: which
// devices are unhealthy and why, and a signal when that changes, so the
// kubelet's device list and the published inventory follow at once. A
// vendor supplies only a Watch: a function that reports health changes,
// from its library's events or by polling.
package health

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Reporter is what a Watch reports to.
type Reporter interface {
	// Set records a device's health; reason says why it is unhealthy.
	Set(id string, healthy bool, reason string)
}

// Watch reports health changes until ctx ends. It returns an error only
// when health can no longer be watched at all.
type Watch func(ctx context.Context, r Reporter) error

// Tracker holds each device's health. Every device is healthy until a
// Watch says otherwise.
type Tracker struct {
	// mu guards unhealthy.
	mu        sync.Mutex
	unhealthy map[string]string // device id -> reason
	changes   chan struct{}
}

var _ Reporter = (*Tracker)(nil)

// NewTracker returns a Tracker with every device healthy.
func NewTracker() *Tracker {
	return &Tracker{unhealthy: map[string]string{}, changes: make(chan struct{}, 1)}
}

// Healthy reports a device's health.
func (t *Tracker) Healthy(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, bad := t.unhealthy[id]
	return !bad
}

// Reason is why a device is unhealthy ("" when healthy).
func (t *Tracker) Reason(id string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.unhealthy[id]
}

// Changes signals (coalesced) whenever a device's health changed.
func (t *Tracker) Changes() <-chan struct{} { return t.changes }

// Set implements Reporter; only a change of health signals Changes.
func (t *Tracker) Set(id string, healthy bool, reason string) {
	t.mu.Lock()
	_, wasBad := t.unhealthy[id]
	if healthy {
		delete(t.unhealthy, id)
	} else {
		t.unhealthy[id] = reason
	}
	t.mu.Unlock()
	if wasBad == healthy {
		select {
		case t.changes <- struct{}{}:
		default:
		}
	}
}

// Run runs w, reporting into t, until ctx ends.
func (t *Tracker) Run(ctx context.Context, w Watch) error { return w(ctx, logged{t, zerolog.Ctx(ctx)}) }

// logged logs each change of health once, at the moment it happens.
type logged struct {
	t   *Tracker
	log *zerolog.Logger
}

func (l logged) Set(id string, healthy bool, reason string) {
	if l.t.Healthy(id) != healthy {
		if healthy {
			l.log.Info().Str("device", id).Msg("device healthy again")
		} else {
			l.log.Error().Str("device", id).Str("reason", reason).Msg("device unhealthy")
		}
	}
	l.t.Set(id, healthy, reason)
}

// State is one device's health as a poll reads it.
type State struct {
	Healthy bool
	Reason  string
}

// Poll is a Watch for libraries without health events: read is called
// every interval and its answer reported. A failed read is logged and
// retried; it does not change any device's health.
func Poll(every time.Duration, read func(ctx context.Context) (map[string]State, error)) Watch {
	return func(ctx context.Context, r Reporter) error {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			states, err := read(ctx)
			if err != nil && ctx.Err() == nil {
				zerolog.Ctx(ctx).Warn().Err(err).Msg("read device health")
			}
			for id, s := range states {
				r.Set(id, s.Healthy, s.Reason)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
			}
		}
	}
}
