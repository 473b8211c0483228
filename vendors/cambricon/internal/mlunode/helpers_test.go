package mlunode_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/vendors/cambricon/internal/mlunode"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

// rig is a node over a fake MLU370-X8 whose driver state, device files and
// partition checkpoint live in one folder, so a second rig over the same
// folder is the plugin after a restart.
type rig struct {
	dir, devRoot string
	fake         *sdk.Fake
	parts        *partition.Manager
	node         *mlunode.Node
}

func newRig(t *testing.T, dir string, mutate ...func(*sdk.Description)) *rig {
	t.Helper()
	desc := sdk.ForModel("MLU370-X8", "n1")
	for _, m := range mutate {
		m(&desc)
	}
	r := &rig{dir: dir, devRoot: filepath.Join(dir, "dev")}
	var err error
	r.fake, err = sdk.NewFake(desc, sdk.FakeOptions{StatePath: filepath.Join(dir, "fake.json"), DevRoot: r.devRoot})
	require.NoError(t, err)
	require.NoError(t, r.fake.Init())
	cards, err := mlunode.Discover(r.fake)
	require.NoError(t, err)
	r.parts, err = partition.NewManager("cambricon", filepath.Join(dir, "partitions.json"), mlunode.NewDriver(r.fake))
	require.NoError(t, err)
	r.node = mlunode.New(r.fake, cards, mlunode.Options{DevRoot: r.devRoot}, r.parts)
	return r
}

// answer asks the node for pod's container with devs (by card index).
func (r *rig) answer(t *testing.T, pod types.UID, devs ...allocation.Device) (*pluginapi.ContainerAllocateResponse, error) {
	t.Helper()
	all := r.node.Devices()
	chosen := make([]device.Device, len(devs))
	for i := range devs {
		chosen[i] = all[devs[i].Index]
		devs[i].ID, devs[i].Vendor = chosen[i].ID, "cambricon"
	}
	p := &plugin.Pending{
		Pod:       &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: string(pod), Namespace: "default", UID: pod}},
		Container: "main", Devices: devs,
	}
	return r.node.Answer(context.Background(), p, chosen)
}

func smlu(card int, mem int64, cores int32) allocation.Device {
	return allocation.Device{Index: card, MemoryMiB: mem, Cores: cores, Mode: mlunode.ModeSMLU}
}

func whole(card int) allocation.Device {
	return allocation.Device{Index: card, Cores: 100, Mode: device.ModeExclusive}
}

// paths are the container paths of resp's device files.
func paths(resp *pluginapi.ContainerAllocateResponse) []string {
	out := make([]string, 0, len(resp.Devices))
	for _, d := range resp.Devices {
		out = append(out, d.ContainerPath)
	}
	return out
}

func partitions(t *testing.T, f *sdk.Fake, card int) []sdk.Partition {
	t.Helper()
	ps, err := f.Partitions(card)
	require.NoError(t, err)
	return ps
}

func itoa(i int) string { return strconv.Itoa(i) }
