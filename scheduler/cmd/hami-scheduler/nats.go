package main

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/natsembed"
)

// connectNATS connects to --nats-url, or starts the embedded server first
// and logs the URL plugins should use. The returned stop closes both.
func connectNATS(ctx context.Context, c *Config) (*nats.Conn, func(), error) {
	log := zerolog.Ctx(ctx)
	url, stopServer := c.NATSURL, func() {}
	if url == "" {
		srv, err := natsembed.Start(ctx, natsembed.Config{
			Host: c.NATSHost, Port: c.NATSPort, StoreDir: c.NATSStoreDir,
			ServerName: "hami-scheduler", Logger: natsembed.Logger(log.With().Str("component", "nats").Logger()),
		})
		if err != nil {
			return nil, nil, fmt.Errorf("start embedded NATS: %w", err)
		}
		url = srv.ClientURL()
		stopServer = func() { srv.Shutdown(); srv.WaitForShutdown() }
		log.Info().Str("url", url).Msg("embedded NATS server started; point plugins' --nats-url here")
	}
	opts, err := c.NATS.Options()
	if err != nil {
		stopServer()
		return nil, nil, err
	}
	nc, err := nats.Connect(url, append(opts,
		nats.Name("hami-scheduler"),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500*time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { log.Warn().Err(err).Msg("NATS disconnected") }),
		nats.ReconnectHandler(func(nc *nats.Conn) { log.Info().Str("url", nc.ConnectedUrl()).Msg("NATS reconnected") }),
	)...)
	if err != nil {
		stopServer()
		return nil, nil, fmt.Errorf("connect NATS %s: %w", url, err)
	}
	return nc, func() { nc.Close(); stopServer() }, nil
}
