package hygone2e_test

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/e2e/harness"
)

// share is one probe pod's request and the card the "scheduler" chose.
type share struct {
	name  string
	card  int
	mem   int64
	cores int32
	// stay keeps the pod running (its vDCU live) until the test ends.
	stay bool
}

// TestHygonVDCUOnRealKubelet runs the plugin (fake Z100 node) against the
// real kubelet. Two pods admitted at once onto one card each get a vDCU
// and see, from inside, exactly their card's device files and a vdev0.conf
// with their CU count and memory cap, with disjoint CU masks. The plugin
// then restarts: the running pod's vDCU is kept (a new vDCU on the card
// avoids its CUs) and the deleted pod's is removed.
func TestHygonVDCUOnRealKubelet(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	s := startSuite(ctx, t)
	stop := s.startPlugin(t, "hami-hygon-plugin")
	inv := s.inventory(ctx, t)
	require.Len(t, inv.Devices, 8)
	require.Equal(t, []string{"vdcu", device.ModeExclusive}, inv.Devices[0].Modes)
	s.waitAllocatable(ctx, t, "32") // 8 cards x 4 vDCUs

	a := share{name: "vdcu-a", card: 2, mem: 2000, cores: 15, stay: true}
	b := share{name: "vdcu-b", card: 2, mem: 3000, cores: 30}
	s.run(ctx, t, inv, a, b)
	seenA, seenB := s.check(ctx, t, a), s.check(ctx, t, b)
	require.Zero(t, new(big.Int).And(seenA.mask, seenB.mask).Sign(), "pods on one card share CUs: %x and %x", seenA.mask, seenB.mask)
	uidA, uidB := s.uid(ctx, t, a.name), s.uid(ctx, t, b.name)

	// The plugin goes down; meanwhile b's pod is deleted. The restarted
	// plugin must remove b's vDCU and keep a's.
	stop()
	require.NoError(t, s.c.Client().CoreV1().Pods("default").Delete(ctx, b.name, metav1.DeleteOptions{}))
	s.waitGone(ctx, t, b.name)
	s.startPlugin(t, "hami-hygon-plugin-restarted")
	require.Eventually(t, func() bool {
		_, err := os.Stat(s.vdevDir(uidB))
		return os.IsNotExist(err)
	}, 30*time.Second, 100*time.Millisecond, "the deleted pod's vDCU survived the restart")
	_, err := os.Stat(filepath.Join(s.vdevDir(uidA), "vdev0.conf"))
	require.NoError(t, err, "the running pod's vDCU was removed by the restart")

	s.waitAllocatable(ctx, t, "32")
	c := share{name: "vdcu-c", card: 2, mem: 1000, cores: 50}
	s.run(ctx, t, inv, c)
	seenC := s.check(ctx, t, c)
	require.Zero(t, new(big.Int).And(seenA.mask, seenC.mask).Sign(), "after the restart a new vDCU took CUs of a live one")
	require.NoError(t, s.c.Client().CoreV1().Pods("default").Delete(ctx, a.name, metav1.DeleteOptions{}))
}

// Files the probe reads from inside its container.
const (
	vdevConf  = "/etc/vdev/docker/vdev0.conf"
	hyhalFile = "/opt/hyhal/version"
)

type vdcuSeen struct {
	mask *big.Int
}

// run creates the pods together and waits until each has started.
func (s *suite) run(ctx context.Context, t *testing.T, inv *device.NodeInventory, shares ...share) {
	t.Helper()
	for _, sh := range shares {
		_, err := s.c.Client().CoreV1().Pods("default").Create(ctx, s.pod(t, inv, sh), metav1.CreateOptions{})
		require.NoError(t, err)
	}
	for _, sh := range shares {
		want := []corev1.PodPhase{corev1.PodSucceeded, corev1.PodFailed}
		if sh.stay {
			want = append(want, corev1.PodRunning)
		}
		pod, err := harness.WaitPodPhase(ctx, s.c.Client(), "default", sh.name, want...)
		require.NoError(t, err)
		require.NotEqual(t, corev1.PodFailed, pod.Status.Phase, "pod %s: %s", sh.name, pod.Status.Message)
		require.Equal(t, string(allocation.PhaseSuccess), pod.Annotations[allocation.AnnotationBindPhase])
	}
}

// check reads what the pod saw inside its container: exactly its card's
// device files, the DTK directory and its vDCU config, read-only, with its
// CU count and memory cap.
func (s *suite) check(ctx context.Context, t *testing.T, sh share) vdcuSeen {
	t.Helper()
	got := s.read(ctx, t, sh.name)
	var dcu []string
	for _, d := range got.Devices {
		if strings.HasPrefix(d, "/dev/dri/") || d == "/dev/kfd" || d == "/dev/mkfd" {
			dcu = append(dcu, d)
		}
	}
	card := strconv.Itoa(sh.card)
	require.ElementsMatch(t, []string{"/dev/dri/card" + card, "/dev/dri/renderD" + strconv.Itoa(128+sh.card), "/dev/kfd", "/dev/mkfd"}, dcu,
		"pod %s must see exactly its card's device files", sh.name)
	for _, m := range []string{vdevConf, hyhalFile} {
		dir := filepath.Dir(m)
		require.True(t, slices.ContainsFunc(got.Mounts, func(line string) bool { return strings.HasPrefix(line, dir+" ") }),
			"pod %s lacks mount %s", sh.name, dir)
		require.NotContains(t, got.Writable, m, "%s is writable in pod %s", m, sh.name)
	}
	require.Equal(t, "dtk-fake\n", got.Files[hyhalFile])
	conf := got.Files[vdevConf]
	require.NotContains(t, conf, "error:", "pod %s cannot read its vdev0.conf", sh.name)
	kv := keyValues(conf)
	wantCUs := (int(sh.cores)*60 + 99) / 100 // a Z100 has 60 CUs
	require.Equal(t, strconv.Itoa(wantCUs), kv["cu_count"], "pod %s: %s", sh.name, conf)
	require.Equal(t, strconv.FormatInt(sh.mem<<20, 10), kv["mem_limit"], "pod %s: %s", sh.name, conf)
	require.Equal(t, card, kv["device_id"])
	mask, ok := new(big.Int).SetString(strings.TrimPrefix(kv["cu_mask"], "0x"), 16)
	require.True(t, ok, "cu_mask %q", kv["cu_mask"])
	count := 0
	for i := range mask.BitLen() {
		count += int(mask.Bit(i))
	}
	require.Equal(t, wantCUs, count, "cu_mask %s holds cu_count CUs", kv["cu_mask"])
	require.Less(t, mask.BitLen(), 61, "the mask stays within the card's 60 CUs")
	return vdcuSeen{mask: mask}
}

// pod is a vdevprobe pod bound to the node with the allocation a scheduler
// would have written (no scheduler runs here) and the limits a user writes.
func (s *suite) pod(t *testing.T, inv *device.NodeInventory, sh share) *corev1.Pod {
	t.Helper()
	card := inv.Devices[sh.card]
	a := allocation.New(s.node.Name)
	a.Containers = []allocation.Container{{Name: "probe", Devices: []allocation.Device{
		{Vendor: "hygon", ID: card.ID, Index: card.Index, MemoryMiB: sh.mem, Cores: sh.cores, Mode: "vdcu"},
	}}}
	value, err := a.Encode()
	require.NoError(t, err)
	pod := harness.ProbePod("default", sh.name)
	pod.Spec.NodeName = s.node.Name
	pod.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "PROBE_FILES", Value: vdevConf + "," + hyhalFile}}
	if sh.stay {
		pod.Spec.Containers[0].Args = []string{"-sleep", "10m"}
	}
	pod.Annotations = map[string]string{
		allocation.Annotation:          value,
		allocation.AnnotationBindPhase: string(allocation.PhaseAllocating),
		allocation.AnnotationBindTime:  allocation.FormatTime(time.Now()),
	}
	pod.Spec.Containers[0].Resources.Limits = corev1.ResourceList{
		"hygon.com/dcunum":   resource.MustParse("1"),
		"hygon.com/dcumem":   *resource.NewQuantity(sh.mem, resource.DecimalSI),
		"hygon.com/dcucores": *resource.NewQuantity(int64(sh.cores), resource.DecimalSI),
	}
	return pod
}

func (s *suite) uid(ctx context.Context, t *testing.T, name string) string {
	t.Helper()
	pod, err := s.c.Client().CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
	require.NoError(t, err)
	return string(pod.UID)
}

func (s *suite) vdevDir(uid string) string { return filepath.Join(s.hostPath("vdev"), uid+"_probe") }

func (s *suite) waitGone(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := s.c.Client().CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
		return err != nil
	}, 60*time.Second, 200*time.Millisecond, "pod %s was not deleted", name)
}

// keyValues reads vdev0.conf's "key: value" lines.
func keyValues(conf string) map[string]string {
	kv := map[string]string{}
	for line := range strings.SplitSeq(conf, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return kv
}
