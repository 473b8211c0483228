package harness

import (
	"os"
	"os/signal"
	"syscall"
)

// stopOnSignal makes SIGINT and SIGTERM stop the cluster before the process
// dies: the handler stops everything, unregisters itself and raises the
// signal again, so the default action (exit) follows once every cluster of
// the process has done the same.
func (c *Cluster) stopOnSignal() {
	sigs := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-sigs:
			c.log.Warn().Str("signal", sig.String()).Msg("interrupted: stopping cluster")
			_ = c.Stop()
			signal.Stop(sigs)
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		case <-done:
			signal.Stop(sigs)
		}
	}()
	// Registered first, so it runs last: the handler must live while the
	// rest stops.
	c.onStop("signal handler", func() error {
		close(done)
		return nil
	})
}
