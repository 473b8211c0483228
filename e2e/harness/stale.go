package harness

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/hami-project/hami/e2e/harness/proc"
)

// reapStale cleans up after suites that died without running their cleanup
// (a `go test -timeout` panic, SIGKILL): their processes are killed and
// their directories unmounted and removed. Directories of live processes
// are left alone.
func reapStale(log zerolog.Logger) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), DirPrefix+"*"))
	for _, dir := range dirs {
		pid, ok := ownerPid(dir)
		if !ok || pid == os.Getpid() || alive(pid) {
			continue
		}
		killed, err := proc.Kill(proc.Mentions(dir))
		for _, p := range killed {
			log.Warn().Str("process", p.String()).Msg("killed process of a dead suite")
		}
		if err == nil {
			err = proc.UnmountUnder(dir)
		}
		if err == nil {
			err = os.RemoveAll(dir)
		}
		log.Info().Err(err).Str("dir", dir).Msg("reaped dead suite's cluster dir")
	}
}

// ownerPid reads the pid out of <tmp>/hami-e2e-<pid>-<random>.
func ownerPid(dir string) (int, bool) {
	rest := strings.TrimPrefix(filepath.Base(dir), DirPrefix)
	pidText, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(pidText)
	return pid, err == nil
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
