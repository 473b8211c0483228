package proc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Info is a process found on the machine.
type Info struct {
	Pid     int
	PPid    int
	Exe     string
	Cmdline string
}

func (i Info) String() string {
	return fmt.Sprintf("pid %d (%s): %s", i.Pid, i.Exe, i.Cmdline)
}

// Matcher says whether a process belongs to what is being looked for.
type Matcher func(Info) bool

// Mentions matches processes whose executable path or command line
// contains any of the given substrings.
func Mentions(subs ...string) Matcher {
	return func(i Info) bool {
		for _, s := range subs {
			if s != "" && (strings.Contains(i.Exe, s) || strings.Contains(i.Cmdline, s)) {
				return true
			}
		}
		return false
	}
}

// Find lists the processes that match, plus all their descendants (a
// container's processes name nothing of the harness, but are children of a
// containerd shim that does). The calling process is never included.
func Find(match Matcher) ([]Info, error) {
	all, err := list()
	if err != nil {
		return nil, err
	}
	children := make(map[int][]Info)
	for _, i := range all {
		children[i.PPid] = append(children[i.PPid], i)
	}
	found := make(map[int]Info)
	var walk func(Info)
	walk = func(i Info) {
		if _, seen := found[i.Pid]; seen || i.Pid == os.Getpid() {
			return
		}
		found[i.Pid] = i
		for _, c := range children[i.Pid] {
			walk(c)
		}
	}
	for _, i := range all {
		if match(i) {
			walk(i)
		}
	}
	out := make([]Info, 0, len(found))
	for _, i := range found {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Pid < out[b].Pid })
	return out, nil
}

// Kill sends SIGKILL to every process that matches and its descendants, and
// returns what it killed.
func Kill(match Matcher) ([]Info, error) {
	found, err := Find(match)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, i := range found {
		if err := syscall.Kill(i.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("kill %s: %w", i, err))
		}
	}
	return found, errors.Join(errs...)
}

func list() ([]Info, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("read /proc: %w", err)
	}
	var out []Info
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if i, ok := read(pid); ok {
			out = append(out, i)
		}
	}
	return out, nil
}

// read returns false for processes that vanished or are zombies of others.
func read(pid int) (Info, bool) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return Info{}, false
	}
	// Fields after the ")" that closes the command name: state, ppid, ...
	closing := bytes.LastIndexByte(stat, ')')
	if closing < 0 {
		return Info{}, false
	}
	fields := strings.Fields(string(stat[closing+1:]))
	if len(fields) < 2 || fields[0] == "Z" {
		return Info{}, false
	}
	ppid, _ := strconv.Atoi(fields[1])
	cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
	exe, _ := os.Readlink(filepath.Join(dir, "exe"))
	return Info{
		Pid:     pid,
		PPid:    ppid,
		Exe:     exe,
		Cmdline: strings.TrimSpace(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))),
	}, true
}
