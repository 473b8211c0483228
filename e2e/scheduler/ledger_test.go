package scheduler_test

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/e2e/gpuplugin"
)

// ledger is what the pods' annotations say is handed out on each device:
// the check a user (or an auditor script) can make with kubectl alone,
// independent of the scheduler's own books.
type ledger struct {
	spec    gpuplugin.Spec
	devices map[string]*deviceUse // by device id
}

type deviceUse struct {
	node    string
	memMiB  int64
	cores   int64
	tenants int64
}

// newLedger books every bound pod's allocation. It fails on a decision that
// is inconsistent on its own: no allocation, one for another node than the
// pod is bound to, a device of another node, or a container that did not
// get what it asked for.
func newLedger(spec gpuplugin.Spec, nodes []string, pods []corev1.Pod) (*ledger, error) {
	l := &ledger{spec: spec, devices: map[string]*deviceUse{}}
	for _, node := range nodes {
		for i := range gpuCount(spec) {
			l.devices[gpuplugin.UUID(node, i)] = &deviceUse{node: node}
		}
	}
	for i := range pods {
		if pods[i].Spec.NodeName == "" {
			continue
		}
		if err := l.book(&pods[i]); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *ledger) book(pod *corev1.Pod) error {
	a, err := allocationOf(pod)
	if err != nil {
		return err
	}
	if a.Node != pod.Spec.NodeName {
		return fmt.Errorf("pod %s is bound to %s but allocated on %s", pod.Name, pod.Spec.NodeName, a.Node)
	}
	for _, c := range pod.Spec.Containers {
		ac, ok := a.Container(c.Name)
		if !ok {
			return fmt.Errorf("pod %s: container %s has no allocation", pod.Name, c.Name)
		}
		if err := l.bookContainer(pod, c, ac.DevicesOf(gpuplugin.Vendor)); err != nil {
			return err
		}
	}
	return nil
}

func (l *ledger) bookContainer(pod *corev1.Pod, c corev1.Container, devs []allocation.Device) error {
	want := requested(c)
	if int64(len(devs)) != want.count {
		return fmt.Errorf("pod %s: %d devices allocated, %d asked", pod.Name, len(devs), want.count)
	}
	seen := map[string]bool{}
	for _, d := range devs {
		u, ok := l.devices[d.ID]
		switch {
		case !ok || u.node != pod.Spec.NodeName:
			return fmt.Errorf("pod %s on %s got device %s of another node", pod.Name, pod.Spec.NodeName, d.ID)
		case seen[d.ID]:
			return fmt.Errorf("pod %s got device %s twice", pod.Name, d.ID)
		case d.MemoryMiB != want.memMiB || int64(d.Cores) != want.cores:
			return fmt.Errorf("pod %s got %d MiB %d%% on %s, asked %d MiB %d%%", pod.Name, d.MemoryMiB, d.Cores, d.ID, want.memMiB, want.cores)
		}
		seen[d.ID] = true
		u.memMiB += d.MemoryMiB
		u.cores += int64(d.Cores)
		u.tenants++
	}
	return nil
}

// overcommitted lists every device handed out beyond its memory, compute or
// tenant slots.
func (l *ledger) overcommitted() []string {
	var out []string
	for id, u := range l.devices {
		if u.memMiB > memoryMiB(l.spec) || u.cores > 100 || u.tenants > int64(splitCount(l.spec)) {
			out = append(out, fmt.Sprintf("%s: %d MiB, %d%%, %d tenants", id, u.memMiB, u.cores, u.tenants))
		}
	}
	return out
}

// fits reports whether some node still has s.count devices that can each
// take the share: the oracle for "a pending pod really has no room".
func (l *ledger) fits(s share) bool {
	free := map[string]int64{}
	for _, u := range l.devices {
		if u.memMiB+s.memMiB <= memoryMiB(l.spec) && u.cores+s.cores <= 100 && u.tenants < int64(splitCount(l.spec)) {
			free[u.node]++
		}
	}
	for _, n := range free {
		if n >= s.count {
			return true
		}
	}
	return false
}

// requested reads a container's share back from its limits.
func requested(c corev1.Container) share {
	q := func(name corev1.ResourceName) int64 {
		v := c.Resources.Limits[name]
		return v.Value()
	}
	return share{count: q("nvidia.com/gpu"), memMiB: q("nvidia.com/gpumem"), cores: q("nvidia.com/gpucores")}
}

// deviceIndex is the index of a device id of node.
func deviceIndex(node, id string) (int, bool) {
	var i int
	rest, ok := strings.CutPrefix(id, "GPU-"+node+"-")
	if !ok {
		return 0, false
	}
	_, err := fmt.Sscanf(rest, "%d", &i)
	return i, err == nil
}

// The spec's defaults, as the double applies them.
func gpuCount(s gpuplugin.Spec) int     { return len(s.Inventory("x").Devices) }
func memoryMiB(s gpuplugin.Spec) int64  { return s.Inventory("x").Devices[0].MemoryMiB }
func splitCount(s gpuplugin.Spec) int32 { return s.Inventory("x").Devices[0].SplitCount }
