package devalloc

import (
	"fmt"
	"os"
	"path/filepath"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/device"
)

// Resolve maps the checked choice back to the vendor's own discovered
// devices, in the container's order. A chosen device the vendor did not
// discover (the inventory and the library disagree) refuses the answer
// rather than giving the container fewer devices than it was promised;
// kind names the device in that error ("GPU", "MLU").
func Resolve[T any](chosen []device.Device, kind string, find func(id string) (T, bool)) ([]T, error) {
	out := make([]T, len(chosen))
	for i, d := range chosen {
		v, ok := find(d.ID)
		if !ok {
			return nil, fmt.Errorf("%s %s is in the inventory but was not discovered", kind, d.ID)
		}
		out[i] = v
	}
	return out, nil
}

// DeviceFiles are the device files at their container paths, found on the
// host under root. A missing file fails the answer (the container would
// start without a device it was promised) unless missingOK, which leaves
// it out: only for a fake without device files.
func DeviceFiles(root string, paths []string, missingOK bool) ([]*pluginapi.DeviceSpec, error) {
	out := make([]*pluginapi.DeviceSpec, 0, len(paths))
	for _, p := range paths {
		host := filepath.Join(root, p)
		if _, err := os.Stat(host); err != nil {
			if missingOK {
				continue
			}
			return nil, fmt.Errorf("device file %s: %w", host, err)
		}
		out = append(out, &pluginapi.DeviceSpec{ContainerPath: p, HostPath: host, Permissions: "rw"})
	}
	return out, nil
}
