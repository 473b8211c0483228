package sdk

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// NUMANode is the die's NUMA node, read from sysfs at the PCI address DCMI
// reports; -1 when the library or the kernel does not say.
func (b *Binding) NUMANode(index int) (int, error) {
	d, err := b.die(index)
	if err != nil {
		return 0, err
	}
	if b.fn.PCIeInfo == nil {
		return -1, nil
	}
	var info cPCIeInfo
	if err := check(fmt.Sprintf("dcmi_get_device_pcie_info_v2(%d, %d)", d.card, d.dev), b.fn.PCIeInfo(d.card, d.dev, &info)); err != nil {
		return 0, err
	}
	bdf := fmt.Sprintf("%04x:%02x:%02x.%x", uint32(info.Domain), info.BDFBusID, info.BDFDeviceID, info.BDFFuncID)
	return readNUMANode(filepath.Join(b.sysfs, "bus", "pci", "devices", bdf, "numa_node"))
}

// readNUMANode reads a sysfs numa_node file; a missing file means unknown.
func readNUMANode(path string) (int, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read numa node: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0, fmt.Errorf("numa node %s: %w", path, err)
	}
	return max(n, -1), nil
}
