package report_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/report"
)

func TestRowsAndTable(t *testing.T) {
	t.Parallel()
	a := allocation.New("gpu-1")
	a.Containers = []allocation.Container{{Name: "app", Devices: []allocation.Device{
		{Vendor: "nvidia", ID: "GPU-b", MemoryMiB: 19968, Cores: 28, Mode: "mig", Profile: "2g.20gb"},
		{Vendor: "nvidia", ID: "GPU-a", MemoryMiB: 3000, Cores: 30, Mode: "hami-core"},
	}}}
	v, err := a.Encode()
	require.NoError(t, err)
	placed := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "infer", Annotations: map[string]string{allocation.Annotation: v}},
		Spec: corev1.PodSpec{NodeName: "gpu-1"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	waiting := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "huge"}, Status: corev1.PodStatus{
		Phase: corev1.PodPending,
		Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
			Message: "0/2 nodes are available: gpu-1: GPU-a insufficient memory: want 900000 MiB, free 81920 MiB."}},
	}}
	broken := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "broken", Annotations: map[string]string{allocation.Annotation: "{"}},
		Spec: corev1.PodSpec{NodeName: "gpu-1"}}

	rows := report.Rows([]corev1.Pod{waiting, placed, broken})
	require.Len(t, rows, 4)
	require.Equal(t, "demo/broken", rows[0].Pod)
	require.Contains(t, rows[0].Reason, "decode hami.io/allocation")
	require.Equal(t, "demo/huge", rows[1].Pod)
	require.Contains(t, rows[1].Reason, "insufficient memory")
	require.Equal(t, report.Row{Pod: "demo/infer", Container: "app", Node: "gpu-1", Device: "GPU-b", MemoryMiB: 19968, Cores: 28, Mode: "mig 2g.20gb", Phase: "Running"}, rows[2])

	var b strings.Builder
	require.NoError(t, report.Write(&b, rows))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 5)
	require.Regexp(t, `^POD\s+CONTAINER\s+NODE\s+DEVICE\s+MEMORY`, lines[0])
	require.Regexp(t, `demo/infer\s+app\s+gpu-1\s+GPU-a\s+3000 MiB\s+30%\s+hami-core\s+Running`, b.String())
}
