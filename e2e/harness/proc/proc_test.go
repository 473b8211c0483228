package proc

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHarnessProcFindsDescendantsAndKills(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "marker-"+t.Name())
	// A shell that names the marker, with a child that does not: the child
	// must be found through its parent, as a container under its shim.
	p, err := Start(Spec{
		Name:    "sh",
		Path:    "/bin/sh",
		Args:    []string{"-c", "sleep 300 & wait # " + marker},
		LogPath: filepath.Join(dir, "sh.log"),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Stop(time.Second) })

	var found []Info
	require.Eventually(t, func() bool {
		found, err = Find(Mentions(marker))
		return err == nil && len(found) == 2
	}, 5*time.Second, 20*time.Millisecond, "shell and its sleep child")

	killed, err := Kill(Mentions(marker))
	require.NoError(t, err)
	require.Len(t, killed, 2)
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("shell not killed")
	}
	for _, i := range killed {
		require.Eventually(t, func() bool {
			return syscall.Kill(i.Pid, 0) != nil || isZombie(i.Pid)
		}, 5*time.Second, 20*time.Millisecond, "pid %d gone", i.Pid)
	}
}

func isZombie(pid int) bool {
	_, ok := read(pid)
	return !ok
}

func TestHarnessProcStopEscalates(t *testing.T) {
	dir := t.TempDir()
	p, err := Start(Spec{
		Name:    "stubborn",
		Path:    "/bin/sh",
		Args:    []string{"-c", "trap '' TERM; sleep 300 & wait"},
		LogPath: filepath.Join(dir, "stubborn.log"),
	})
	require.NoError(t, err)
	// Let the shell install its trap before it is asked to stop.
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	require.NoError(t, p.Stop(200*time.Millisecond), "SIGKILL after the grace period")
	require.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "SIGTERM was ignored, so only SIGKILL stopped it")
	require.Less(t, time.Since(start), 5*time.Second)
}

func TestHarnessProcUnescapeMount(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`/plain`:            "/plain",
		`/with\040space`:    "/with space",
		`/tab\011and\134bs`: "/tab\tand\\bs",
	}
	for in, want := range tests {
		require.Equal(t, want, unescapeMount(in), in)
	}
}

func TestHarnessProcTailFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "log")
	require.NoError(t, os.WriteFile(path, []byte("a\nb\nc\n"), 0o600))
	require.Equal(t, "b\nc", TailFile(path, 2))
	require.Contains(t, TailFile(filepath.Join(t.TempDir(), "missing"), 2), "cannot read")
}
