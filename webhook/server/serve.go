package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/hami-project/hami/common/logging"
)

// Listener is one server to run: a listener and what it serves, with TLS
// when TLS is set.
type Listener struct {
	Name     string
	Listener net.Listener
	Handler  http.Handler
	TLS      *tls.Config
}

// Serve runs every listener until ctx ends or one fails, then shuts all of
// them down, letting requests in flight finish within grace.
func Serve(ctx context.Context, grace time.Duration, ls ...Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := logging.From(ctx)
	errs := make(chan error, len(ls))
	servers := make([]*http.Server, 0, len(ls))
	for _, l := range ls {
		srv := &http.Server{
			Handler:           l.Handler,
			ReadHeaderTimeout: 10 * time.Second,
			TLSConfig:         l.TLS,
			// Requests carry the logger but not the cancel: a request in
			// flight at shutdown finishes within the grace period.
			BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		}
		servers = append(servers, srv)
		go func() {
			log.Info().Str("server", l.Name).Str("addr", l.Listener.Addr().String()).Bool("tls", l.TLS != nil).Msg("serving")
			errs <- serveOne(srv, l)
		}()
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-errs:
	}
	return errors.Join(first, shutdown(grace, servers))
}

func serveOne(srv *http.Server, l Listener) error {
	var err error
	if l.TLS != nil {
		err = srv.ServeTLS(l.Listener, "", "")
	} else {
		err = srv.Serve(l.Listener)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serve %s: %w", l.Name, err)
}

func shutdown(grace time.Duration, servers []*http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
	}
	return errors.Join(errs...)
}
