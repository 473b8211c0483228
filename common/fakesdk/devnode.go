package fakesdk

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// DeviceNode makes the device file name (e.g. "/dev/cambricon_dev0") under
// root, as a driver would: a character device with /dev/null's numbers, so
// a container runtime accepts it as a device and a process inside the
// container can open it. Without the right to make device nodes (not
// root), it makes an empty regular file, which is enough for tests that
// only look at paths. An existing file is kept.
func DeviceNode(root, name string) (string, error) {
	path := filepath.Join(root, name)
	if _, err := os.Lstat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("fake device %s: %w", path, err)
	}
	err := unix.Mknod(path, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3)))
	if errors.Is(err, unix.EPERM) {
		err = os.WriteFile(path, nil, 0o666)
	}
	if err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("fake device %s: %w", path, err)
	}
	return path, nil
}

// RemoveDeviceNode removes a device file DeviceNode made; a missing one is
// not an error.
func RemoveDeviceNode(root, name string) error {
	err := os.Remove(filepath.Join(root, name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove fake device %s: %w", name, err)
	}
	return nil
}
