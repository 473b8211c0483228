// Command probe is the end-to-end test workload: it prints, as one JSON line,
// what a container was given (environment, mounts, visible device files, and
// the files named in $PROBE_FILES, with whether it may write them), so a test
// can read it back from the pod's logs. With -sleep it then stays up.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Report is what probe prints; e2e tests decode the same shape.
type Report struct {
	Env     map[string]string `json:"env"`
	Mounts  []string          `json:"mounts"`
	Devices []string          `json:"devices"`
	// Files holds the content of each file named in $PROBE_FILES
	// (comma-separated), or "error: ..." when it cannot be read.
	Files map[string]string `json:"files,omitempty"`
	// Writable lists those the container could open for writing.
	Writable []string `json:"writable,omitempty"`
}

func main() {
	sleep := flag.Duration("sleep", 0, "stay up this long after printing (until SIGTERM)")
	flag.Parse()
	r := Report{Env: environ(), Mounts: mounts(), Devices: devices()}
	r.Files, r.Writable = files(os.Getenv("PROBE_FILES"))
	out, err := json.Marshal(r)
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
	fmt.Printf("PROBE %s\n", out)
	if *sleep > 0 {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		select {
		case <-stop:
		case <-time.After(*sleep):
		}
	}
}

func environ() map[string]string {
	env := make(map[string]string)
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// mounts lists mount points as "<mountpoint> <fstype>".
func mounts() []string {
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 3 {
			out = append(out, fields[1]+" "+fields[2])
		}
	}
	return out
}

// devices lists the character and block device files under /dev.
func devices() []string {
	var out []string
	_ = filepath.WalkDir("/dev", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type()&fs.ModeDevice != 0 {
			out = append(out, path)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// files reads the comma-separated paths in list and tries to open each for
// writing (without changing it).
func files(list string) (map[string]string, []string) {
	if list == "" {
		return nil, nil
	}
	content := make(map[string]string)
	var writable []string
	for _, p := range strings.Split(list, ",") {
		data, err := os.ReadFile(p)
		if err != nil {
			content[p] = "error: " + err.Error()
		} else {
			content[p] = string(data)
		}
		if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
			_ = f.Close()
			writable = append(writable, p)
		}
	}
	return content, writable
}
