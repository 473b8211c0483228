// Package settings owns the configuration the scheduler runs with: the
// config document, reloaded when its file changes, and the resource-name
// registry built from it and from the names the fleet's plugins publish.
package settings

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/request"
)

// Settings is one consistent view: never changed once published.
type Settings struct {
	Config   *config.Config
	Registry *request.Registry
}

// Store publishes the current Settings; readers never block.
type Store struct {
	path    string
	current atomic.Pointer[Settings]

	mu        sync.Mutex // guards cfg, published, modTime
	cfg       *config.Config
	published map[string]device.Resources
	modTime   time.Time
}

// Load reads the config file (the defaults when path is empty) and returns a
// store; an invalid file is an error, since a scheduler must not start on a
// config it cannot honour.
func Load(path string) (*Store, error) {
	s := &Store{path: path, published: map[string]device.Resources{}}
	cfg := config.Default()
	if path != "" {
		st, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
		if cfg, err = config.Load(path); err != nil {
			return nil, err
		}
		s.modTime = st.ModTime()
	}
	if err := s.publish(cfg, s.published); err != nil {
		return nil, err
	}
	return s, nil
}

// Current returns the settings in force.
func (s *Store) Current() *Settings { return s.current.Load() }

// Publish adds the resource names a plugin publishes for its vendor. It
// rebuilds the registry only when they differ from what is known.
func (s *Store) Publish(inv *device.NodeInventory) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if known, ok := s.published[inv.Vendor]; ok && equalResources(known, inv.Resources) {
		return nil
	}
	next := maps.Clone(s.published)
	next[inv.Vendor] = inv.Resources
	return s.publish(s.cfg, next)
}

// publish must be called with mu held (or before the store is shared).
func (s *Store) publish(cfg *config.Config, published map[string]device.Resources) error {
	vendors := maps.Clone(cfg.Vendors)
	for v, res := range published {
		vendors[v] = request.MergeVendor(cfg.Vendors[v], res)
	}
	reg, err := request.NewRegistry(vendors)
	if err != nil {
		return fmt.Errorf("resource names: %w", err)
	}
	s.cfg, s.published = cfg, published
	s.current.Store(&Settings{Config: cfg, Registry: reg})
	return nil
}

// Watch reloads the config file whenever it changes, until ctx ends. A bad
// file is logged and the running config kept.
func (s *Store) Watch(ctx context.Context, every time.Duration) {
	if s.path == "" {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.reloadIfChanged(ctx)
		}
	}
}

func (s *Store) reloadIfChanged(ctx context.Context) {
	log := zerolog.Ctx(ctx)
	st, err := os.Stat(s.path)
	if err != nil {
		log.Error().Err(err).Str("path", s.path).Msg("config file unreadable; keeping the running config")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.ModTime().Equal(s.modTime) {
		return
	}
	s.modTime = st.ModTime()
	cfg, err := config.Load(s.path)
	if err == nil {
		err = s.publish(cfg, s.published)
	}
	if err != nil {
		log.Error().Err(err).Str("path", s.path).Msg("config reload refused; keeping the running config")
		return
	}
	log.Info().Str("path", s.path).Msg("config reloaded")
}

func equalResources(a, b device.Resources) bool {
	return a.Count == b.Count && a.Memory == b.Memory && a.MemoryPercent == b.MemoryPercent &&
		a.Cores == b.Cores && a.Annotations == b.Annotations && slices.Equal(a.Aliases, b.Aliases)
}
