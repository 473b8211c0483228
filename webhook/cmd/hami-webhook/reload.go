package main

import (
	"context"
	"os"
	"time"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/webhook/admission"
)

// reloader polls the config file and swaps in a new admitter when it
// changes; an invalid document is logged and the previous one kept. Polling
// rather than inotify: a ConfigMap volume updates through a symlink swap,
// which a stat sees and a watch on the file misses.
type reloader struct {
	path    string
	every   time.Duration
	fleet   admission.Fleet
	opts    admission.Options
	current *admission.Current
}

func (r *reloader) run(ctx context.Context) error {
	log := logging.From(ctx)
	last := r.stamp()
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now := r.stamp()
		if now == last {
			continue
		}
		last = now
		doc, err := config.Load(r.path)
		if err != nil {
			log.Error().Err(err).Msg("config not reloaded; keeping the previous one")
			continue
		}
		a, err := admission.New(doc, r.fleet, r.opts)
		if err != nil {
			log.Error().Err(err).Msg("config not reloaded; keeping the previous one")
			continue
		}
		r.current.Set(a)
		log.Info().Str("config", r.path).Msg("config reloaded")
	}
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func (r *reloader) stamp() fileStamp {
	fi, err := os.Stat(r.path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{mod: fi.ModTime(), size: fi.Size()}
}
