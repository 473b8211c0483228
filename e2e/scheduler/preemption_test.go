package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Priority classes of the preemption scenarios.
const (
	lowPriority  = "hami-e2e-low"  // 0
	highPriority = "hami-e2e-high" // 1000
)

// ensurePriorityClasses creates the scenarios' priority classes once.
func (e *env) ensurePriorityClasses(ctx context.Context, t *testing.T) {
	t.Helper()
	for name, value := range map[string]int32{lowPriority: 0, highPriority: 1000} {
		pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: value}
		_, err := e.client.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			require.NoError(t, err, "priority class %s", name)
		}
	}
}

func withPriority(pod *corev1.Pod, class string) *corev1.Pod {
	pod.Spec.PriorityClassName = class
	return pod
}

// onNodes pins a pod to any of the nodes.
func onNodes(pod *corev1.Pod, nodes ...string) *corev1.Pod {
	pod.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: nodes}},
		}}},
	}}
	return pod
}

// fillNode runs pods of the priority class that take every GPU of the node,
// perGPU pods to a GPU, and returns them.
func (e *env) fillNode(ctx context.Context, t *testing.T, ns, node, class string, perGPU int) []*corev1.Pod {
	t.Helper()
	s := share{count: 1, memMiB: memoryMiB(e.spec) / int64(perGPU), cores: int64(100 / perGPU)}
	var pods []*corev1.Pod
	for i := range gpuCount(e.spec) * perGPU {
		pods = append(pods, withPriority(onNode(gpuPod(ns, fmt.Sprintf("%s-%s-%d", class, node, i), s, nil), node), class))
	}
	return runOneByOne(ctx, t, e, pods...)
}

// testPreemption (plugin front end): kube-scheduler's own preemption, with
// the plugin's AddPod/RemovePod counting device shares.
func testPreemption(ctx context.Context, t *testing.T, e *env) {
	e.ensurePriorityClasses(ctx, t)
	t.Run("higher priority evicts a share", func(t *testing.T) {
		ns := e.ns(ctx, t)
		node := e.nodes[0]
		low := e.fillNode(ctx, t, ns, node, lowPriority, 1)
		high := withPriority(onNode(gpuPod(ns, "high", share{count: 1, memMiB: 12000, cores: 50}, nil), node), highPriority)
		require.NoError(t, createPods(ctx, e.client, []*corev1.Pod{high}))
		running, err := waitRunning(ctx, e.client, ns, high.Name)
		require.NoError(t, err)
		require.Equal(t, node, running.Spec.NodeName)
		requireHandedOut(t, e, running)
		gone := e.deleted(ctx, t, ns, low)
		require.Len(t, gone, 1, "one low-priority pod makes room: %v", gone)
		pods, err := listPods(ctx, e.client, ns)
		require.NoError(t, err)
		l, err := newLedger(e.spec, e.nodes, pods)
		require.NoError(t, err)
		require.Empty(t, l.overcommitted())
	})
	t.Run("equal priority is never a victim", func(t *testing.T) {
		ns := e.ns(ctx, t)
		node := e.nodes[1]
		held := e.fillNode(ctx, t, ns, node, highPriority, 1)
		late := withPriority(onNode(gpuPod(ns, "late", share{count: 1, memMiB: 12000, cores: 50}, nil), node), highPriority)
		require.NoError(t, createPods(ctx, e.client, []*corev1.Pod{late}))
		msg, err := waitFailedScheduling(ctx, e.client, ns, late.Name, "preemption")
		require.NoError(t, err)
		t.Logf("FailedScheduling: %.300s", msg)
		time.Sleep(3 * time.Second) // a wrong eviction would show by now
		require.Empty(t, e.deleted(ctx, t, ns, held), "no pod of equal priority evicted")
		got, err := e.client.CoreV1().Pods(ns).Get(ctx, late.Name, metav1.GetOptions{})
		require.NoError(t, err)
		require.Empty(t, got.Spec.NodeName)
	})
	t.Run("the fewest shares are freed", func(t *testing.T) {
		ns := e.ns(ctx, t)
		whole, halves := e.nodes[2], e.nodes[3]
		wholeLow := e.fillNode(ctx, t, ns, whole, lowPriority, 1)
		halfLow := e.fillNode(ctx, t, ns, halves, lowPriority, 2)
		high := withPriority(onNodes(gpuPod(ns, "high", share{count: 1, memMiB: memoryMiB(e.spec), cores: 100}, nil), whole, halves), highPriority)
		require.NoError(t, createPods(ctx, e.client, []*corev1.Pod{high}))
		running, err := waitRunning(ctx, e.client, ns, high.Name)
		require.NoError(t, err)
		e.logPreemptions(ctx, t, ns)
		require.Equal(t, whole, running.Spec.NodeName, "one victim there, two on the node of halves")
		require.Len(t, e.deleted(ctx, t, ns, wholeLow), 1)
		require.Empty(t, e.deleted(ctx, t, ns, halfLow))
	})
}

// deleted names the pods of the list that are gone or going.
func (e *env) deleted(ctx context.Context, t *testing.T, ns string, pods []*corev1.Pod) []string {
	t.Helper()
	var gone []string
	for _, pod := range pods {
		got, err := e.client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			gone = append(gone, pod.Name)
		case err != nil:
			require.NoError(t, err)
		case got.DeletionTimestamp != nil || got.UID != pod.UID:
			gone = append(gone, pod.Name)
		}
	}
	return gone
}

// logPreemptions logs who preempted whom in ns, from the victims' events.
func (e *env) logPreemptions(ctx context.Context, t *testing.T, ns string) {
	t.Helper()
	events, err := e.client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	for _, ev := range events.Items {
		if ev.Reason == "Preempted" || ev.Reason == "Nominated" || ev.Reason == "FailedScheduling" && ev.InvolvedObject.Name == "high" {
			t.Logf("%s %s %s: %s", ev.FirstTimestamp.Format("15:04:05.000"), ev.InvolvedObject.Name, ev.Reason, ev.Message)
		}
	}
}
