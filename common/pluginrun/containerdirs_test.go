package pluginrun_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/pluginrun"
)

// mkdirAt makes root/name (a directory, or a file when file is set)
// stamped at t.
func mkdirAt(t *testing.T, root, name string, at time.Time, file bool) string {
	t.Helper()
	p := filepath.Join(root, name)
	if file {
		require.NoError(t, os.WriteFile(p, nil, 0o644))
	} else {
		require.NoError(t, os.MkdirAll(filepath.Join(p, "sub"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(p, "sub", "region.cache"), []byte("x"), 0o644))
	}
	require.NoError(t, os.Chtimes(p, at, at))
	return p
}

func TestContainerDirsRemoveOnlyGonePodsListedAfterCreation(t *testing.T) {
	t.Parallel()
	listedAt := time.Now()
	old, fresh := listedAt.Add(-time.Hour), listedAt.Add(time.Minute)
	roots := []string{t.TempDir(), t.TempDir()}
	var d pluginrun.ContainerDirs
	d.Add(roots[0])
	d.Add(roots[1])
	d.Add(roots[0])
	d.Add(filepath.Join(t.TempDir(), "not made yet"))
	type entry struct {
		name string
		at   time.Time
		file bool
		kept bool
	}
	entries := []entry{
		{name: "live-uid_main", at: old, kept: true},
		{name: "gone-uid_main", at: old, kept: false},
		{name: "gone-uid_sidecar", at: old, kept: false},
		{name: "new-uid_main", at: fresh, kept: true},
		{name: "gone-uid_file", at: old, file: true, kept: true},
		{name: "no-underscore", at: old, kept: true},
		{name: "_main", at: old, kept: true},
	}
	var paths []string
	for _, root := range roots {
		for _, e := range entries {
			paths = append(paths, mkdirAt(t, root, e.name, e.at, e.file))
		}
	}
	live := map[types.UID]bool{"live-uid": true}
	require.NoError(t, d.Reconcile(context.Background(), live, listedAt))
	for i, p := range paths {
		_, err := os.Stat(p)
		if entries[i%len(entries)].kept {
			require.NoError(t, err, p)
		} else {
			require.ErrorIs(t, err, os.ErrNotExist, p)
		}
	}
}

// A directory stamped a moment before the list (the file system's clock
// is coarse) is not judged by it.
func TestContainerDirsKeepJustBeforeTheList(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	listedAt := time.Now()
	p := mkdirAt(t, root, "uid_main", listedAt.Add(-10*time.Millisecond), false)
	var d pluginrun.ContainerDirs
	d.Add(root)
	require.NoError(t, d.Reconcile(context.Background(), nil, listedAt))
	require.DirExists(t, p)
}

type livePods struct {
	live map[types.UID]bool
	err  error
}

func (l livePods) Live(context.Context) (map[types.UID]bool, error) { return l.live, l.err }

func TestContainerDirsRun(t *testing.T) {
	t.Parallel()
	old := time.Now().Add(-time.Hour)
	tests := map[string]struct {
		pods livePods
		gone bool
	}{
		"pod gone":              {pods: livePods{live: map[types.UID]bool{"other": true}}, gone: true},
		"pod live":              {pods: livePods{live: map[types.UID]bool{"uid": true}}},
		"the list fails: keeps": {pods: livePods{err: errors.New("apiserver down")}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			p := mkdirAt(t, root, "uid_main", old, false)
			var d pluginrun.ContainerDirs
			d.Add(root)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { d.Run(ctx, tc.pods, 10*time.Millisecond); close(done) }()
			if tc.gone {
				require.Eventually(t, func() bool { _, err := os.Stat(p); return os.IsNotExist(err) }, 5*time.Second, 10*time.Millisecond)
			} else {
				time.Sleep(50 * time.Millisecond)
				require.DirExists(t, p)
			}
			cancel()
			<-done
		})
	}
}
