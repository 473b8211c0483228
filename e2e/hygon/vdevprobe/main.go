// Command vdevprobe is the Hygon end-to-end workload: it prints what the
// container was given, as the harness's probe does (a "PROBE" line with
// env, mounts and device files), and then a "VDEV" line with the content
// of every file under /etc/vdev/docker, where a vDCU's config is mounted.
// With -sleep it then stays up, so its pod stays live.
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

// configDir is where the plugin mounts a container's vDCU config.
const configDir = "/etc/vdev/docker"

type report struct {
	Env     map[string]string `json:"env"`
	Mounts  []string          `json:"mounts"`
	Devices []string          `json:"devices"`
}

func main() {
	sleep := flag.Duration("sleep", 0, "stay up this long after printing (until SIGTERM)")
	flag.Parse()
	if err := emit(); err != nil {
		fmt.Fprintln(os.Stderr, "vdevprobe:", err)
		os.Exit(1)
	}
	if *sleep > 0 {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		select {
		case <-stop:
		case <-time.After(*sleep):
		}
	}
}

func emit() error {
	r, err := json.Marshal(report{Env: map[string]string{}, Mounts: mountPoints(), Devices: deviceFiles()})
	if err != nil {
		return err
	}
	files, err := json.Marshal(configFiles())
	if err != nil {
		return err
	}
	fmt.Printf("PROBE %s\nVDEV %s\n", r, files)
	return nil
}

// mountPoints are "<mountpoint> <options>" of the container's mounts.
func mountPoints() []string {
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	var out []string
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		if f := strings.Fields(line); len(f) >= 4 {
			out = append(out, f[1]+" "+f[3])
		}
	}
	return out
}

// deviceFiles are the character and block devices under /dev.
func deviceFiles() []string {
	var out []string
	_ = filepath.WalkDir("/dev", func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeDevice != 0 {
			out = append(out, path)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// configFiles maps each file under configDir to its content.
func configFiles() map[string]string {
	files := map[string]string{}
	entries, err := os.ReadDir(configDir)
	if err != nil {
		return files
	}
	for _, e := range entries {
		path := filepath.Join(configDir, e.Name())
		if data, err := os.ReadFile(path); err == nil && !e.IsDir() {
			files[path] = string(data)
		}
	}
	return files
}
