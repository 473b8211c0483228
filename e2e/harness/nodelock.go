package harness

import (
	"context"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// nodeLockPath serialises real nodes across processes: the kubelet's
// device-plugin socket and log links are machine-wide, so two suites (or
// two developers' runs) starting a real node at once would collide. The
// second waits for the first to stop.
const nodeLockPath = "/run/hami-e2e-real-node.lock"

// lockRealNode takes the machine-wide real-node lock, waiting while another
// cluster holds it, and releases it when the cluster stops (after its
// kubelet and containerd, which stop later-registered steps first).
func (c *Cluster) lockRealNode(ctx context.Context) error {
	f, err := os.OpenFile(nodeLockPath, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", nodeLockPath, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if err != unix.EWOULDBLOCK {
			_ = f.Close()
			return fmt.Errorf("lock %s: %w", nodeLockPath, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return fmt.Errorf("wait for another suite's real node to stop: %w", ctx.Err())
		case <-time.After(time.Second):
		}
	}
	c.onStop("real-node lock", f.Close) // closing releases the lock
	return nil
}
