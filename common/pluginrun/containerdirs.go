package pluginrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/partition"
)

// mtimeSlack is how much earlier than the pod list a directory must have
// been changed to be judged by it.
const mtimeSlack = time.Second

// ContainerDirs are host roots holding one directory per container, named
// <pod uid>_<container> (limiter regions, limits files). The kit removes
// the directories of pods that are gone, with the partitions' rule: a
// directory changed after the pod list was taken is never judged by it.
type ContainerDirs struct {
	mu    sync.Mutex
	roots []string
}

// Add registers a root; registering one twice is harmless.
func (d *ContainerDirs) Add(root string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.roots {
		if r == root {
			return
		}
	}
	d.roots = append(d.roots, root)
}

func (d *ContainerDirs) registered() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.roots...)
}

// Reconcile removes, under every root, the container directories of pods
// not in live whose modification time is before listedAt. Entries not
// named <pod uid>_<container> are left alone.
func (d *ContainerDirs) Reconcile(ctx context.Context, live map[types.UID]bool, listedAt time.Time) error {
	var errs []error
	for _, root := range d.registered() {
		entries, err := os.ReadDir(root)
		if errors.Is(err, os.ErrNotExist) {
			continue // nothing made yet
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("list container directories in %s: %w", root, err))
			continue
		}
		for _, e := range entries {
			if err := removeGone(ctx, root, e, live, listedAt); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func removeGone(ctx context.Context, root string, e os.DirEntry, live map[types.UID]bool, listedAt time.Time) error {
	uid, container, ok := strings.Cut(e.Name(), "_")
	if !e.IsDir() || !ok || uid == "" || container == "" || live[types.UID(uid)] {
		return nil
	}
	info, err := e.Info()
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("stat container directory: %w", err)
	}
	// The file system's clock is coarser than time.Now, so a directory
	// made just after the list was taken may be stamped just before it.
	if !info.ModTime().Before(listedAt.Add(-mtimeSlack)) {
		return nil // made (or used) while the list was in flight
	}
	path := filepath.Join(root, e.Name())
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("remove container directory of a finished pod: %w", err)
	}
	zerolog.Ctx(ctx).Info().Str("dir", path).Str("pod", uid).Str("container", container).
		Msg("removed container directory of a finished pod")
	return nil
}

// Run reconciles now and then every interval until ctx ends; the time is
// taken before the list (see partition.Manager.Run).
func (d *ContainerDirs) Run(ctx context.Context, pods partition.LivePods, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		listedAt := time.Now()
		live, err := pods.Live(ctx)
		if err == nil {
			err = d.Reconcile(ctx, live, listedAt)
		}
		if err != nil && ctx.Err() == nil {
			zerolog.Ctx(ctx).Warn().Err(err).Msg("reconcile container directories")
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
