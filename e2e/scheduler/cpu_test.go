package scheduler_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/harness/proc"
)

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat times.
const clockTicks = 100

// cpuMeter measures the CPU the cluster's processes use over a span: the
// scheduler under test, kube-apiserver, etcd, the hami-scheduler that hosts
// NATS, and this test process (the simulated nodes and the publishers).
type cpuMeter struct {
	c     *harness.Cluster
	pids  map[string]int
	ticks map[string]int64
	start time.Time
	cores map[string]float64
}

// begin samples every process of the cluster; a nil meter does nothing.
func (m *cpuMeter) begin() {
	if m == nil {
		return
	}
	m.pids = clusterPids(m.c.Dir())
	m.pids["e2e test (simulated nodes, publishers)"] = os.Getpid()
	m.ticks = map[string]int64{}
	for name, pid := range m.pids {
		m.ticks[name] = cpuTicks(pid)
	}
	m.start = time.Now()
}

// watch adds the scheduler started after begin; it used no CPU before.
func (m *cpuMeter) watch(p *proc.Process) {
	if m == nil {
		return
	}
	m.pids["scheduler under test"] = p.Pid()
	m.ticks["scheduler under test"] = 0
}

// end turns the CPU used since begin into cores.
func (m *cpuMeter) end() {
	if m == nil {
		return
	}
	wall := time.Since(m.start).Seconds()
	m.cores = map[string]float64{}
	for name, pid := range m.pids {
		used := float64(cpuTicks(pid)-m.ticks[name]) / clockTicks
		m.cores[name] = float64(int(100*used/wall+0.5)) / 100
	}
}

// clusterPids finds kube-apiserver, etcd and the hami-scheduler extender
// among the processes whose command line names the cluster's folder.
func clusterPids(dir string) map[string]int {
	out := map[string]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmd, []byte(dir)) {
			continue
		}
		args := strings.Split(string(cmd), "\x00")
		switch base := filepath.Base(args[0]); {
		case base == "kube-apiserver", base == "etcd":
			out[base] = pid
		case base == "hami-scheduler" && len(args) > 1 && args[1] == "extender":
			out["hami-scheduler extender (NATS host)"] = pid
		}
	}
	return out
}

// cpuTicks is the user and system time of the process, in clock ticks; 0
// when it cannot be read.
func cpuTicks(pid int) int64 {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis (utime and stime are the 12th and 13th).
	rest := string(stat[bytes.LastIndexByte(stat, ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}
