package sdk

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// sysfsFacts are what MTML does not report but the kernel does, per PCI
// device: its NUMA node and the numbers of its DRM nodes.
type sysfsFacts struct {
	numaNode  int
	drmCard   int
	drmRender int
}

// readSysfs reads root/bus/pci/devices/<busID>/. Anything missing reads as
// -1 (unknown), never as an error: a GPU without NUMA affinity or a kernel
// without the DRM directory is still a usable GPU.
func readSysfs(root, busID string) sysfsFacts {
	f := sysfsFacts{numaNode: -1, drmCard: -1, drmRender: -1}
	if busID == "" {
		return f
	}
	dir := filepath.Join(root, "bus", "pci", "devices", strings.ToLower(busID))
	if data, err := os.ReadFile(filepath.Join(dir, "numa_node")); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && n >= 0 {
			f.numaNode = n
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "drm"))
	if err != nil {
		return f
	}
	for _, e := range entries {
		if n, ok := drmNumber(e.Name(), "card"); ok {
			f.drmCard = n
		}
		if n, ok := drmNumber(e.Name(), "renderD"); ok {
			f.drmRender = n
		}
	}
	return f
}

func drmNumber(name, prefix string) (int, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}
