package natsembed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// RandomPort asks the server to listen on a free port, read back with Port.
const RandomPort = -1

// Config says how to start the embedded server.
type Config struct {
	// Host to listen on; 127.0.0.1 when empty, because the embedded server is
	// for the local control plane and tests, not for the network at large.
	Host string
	// Port to listen on; 0 or RandomPort picks a free one.
	Port int
	// StoreDir is where JetStream keeps its streams; required, so that a
	// restart with the same directory finds the inventory bucket again.
	StoreDir string
	// ServerName is stable across restarts so JetStream recognises its store.
	ServerName string
	// Users, when set, turns on authentication; see PluginUser and ReaderUser.
	Users []*server.User
	// ReadyTimeout bounds the wait for the listener; 10 s when zero.
	ReadyTimeout time.Duration
	// Logger receives the server's log; nil keeps the server quiet.
	Logger server.Logger
}

// Server is a running embedded NATS server.
type Server struct {
	srv *server.Server
	cfg Config
}

// Start starts the server and waits until it accepts connections.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg = withDefaults(cfg)
	if cfg.StoreDir == "" {
		return nil, errors.New("start nats: store dir is required")
	}
	srv, err := server.NewServer(options(cfg))
	if err != nil {
		return nil, fmt.Errorf("start nats: %w", err)
	}
	if cfg.Logger != nil {
		srv.SetLogger(cfg.Logger, false, false)
	}
	srv.Start()
	if err := waitReady(ctx, srv, cfg.ReadyTimeout); err != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, err
	}
	s := &Server{srv: srv, cfg: cfg}
	s.cfg.Port = s.Port()
	return s, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		cfg.Port = RandomPort
	}
	if cfg.ServerName == "" {
		cfg.ServerName = "hami-embedded"
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 10 * time.Second
	}
	return cfg
}

func options(cfg Config) *server.Options {
	return &server.Options{
		ServerName: cfg.ServerName,
		Host:       cfg.Host,
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		Users:      cfg.Users,
		NoLog:      cfg.Logger == nil,
		// The host process owns signal handling (signal.NotifyContext in main).
		NoSigs: true,
		// The inventory is small; without limits the server would reserve
		// a share of the machine's memory and disk.
		JetStreamMaxMemory: 64 << 20,
		JetStreamMaxStore:  1 << 30,
	}
}

// waitReady waits for the listener and for JetStream, whichever of ctx and
// timeout ends first.
func waitReady(ctx context.Context, srv *server.Server, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if !srv.ReadyForConnections(time.Until(deadline)) {
		return errors.New("start nats: server not ready for connections")
	}
	if !srv.JetStreamEnabled() {
		return errors.New("start nats: jetstream not enabled")
	}
	return ctx.Err()
}

// ClientURL is the URL clients connect to.
func (s *Server) ClientURL() string { return s.srv.ClientURL() }

// Port is the port the server listens on (the chosen one when RandomPort).
func (s *Server) Port() int {
	if a, ok := s.srv.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return s.cfg.Port
}

// Config is the configuration this server runs with, its port resolved, so
// that Start(ctx, s.Config()) brings it back on the same address and store.
func (s *Server) Config() Config { return s.cfg }

// Shutdown stops the server; WaitForShutdown waits until it has stopped.
func (s *Server) Shutdown() { s.srv.Shutdown() }

// WaitForShutdown blocks until the server has stopped.
func (s *Server) WaitForShutdown() { s.srv.WaitForShutdown() }

// Restart stops the server and starts a new one on the same port and store,
// as a crashed and restarted server would come back.
func (s *Server) Restart(ctx context.Context) (*Server, error) {
	s.Shutdown()
	s.WaitForShutdown()
	return Start(ctx, s.cfg)
}
