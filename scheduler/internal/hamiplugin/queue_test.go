package hamiplugin_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/hamiplugin"
)

func TestWaitingPodsAreRequeuedOnAKick(t *testing.T) {
	t.Parallel()
	w := hamiplugin.NewWaiting()
	w.Add(pod("a"))
	w.Add(pod("b"))
	w.Remove(pod("b").UID)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan map[string]*corev1.Pod, 4)
	go w.Run(ctx, func(m map[string]*corev1.Pod) { got <- m })
	w.Kick()
	w.Kick() // folds into the first
	select {
	case m := <-got:
		require.Len(t, m, 1)
		require.Contains(t, m, "default/a")
	case <-time.After(5 * time.Second):
		t.Fatal("no requeue after a kick")
	}
}

func TestEventsRequeueOnFreedShares(t *testing.T) {
	t.Parallel()
	p, err := hamiplugin.New(newDecider(), hamiplugin.NewWaiting(), extender.BestNodes)
	require.NoError(t, err)
	events, err := p.EventsToRegister(context.Background())
	require.NoError(t, err)
	var hint fwk.QueueingHintFn
	for _, e := range events {
		if e.Event.Resource == fwk.Pod && e.Event.ActionType == fwk.Delete {
			hint = e.QueueingHintFn
		}
	}
	require.NotNil(t, hint, "a deleted pod can free shares")
	holder := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "h", Annotations: map[string]string{allocation.Annotation: "{}"}}}
	got, err := hint(klog.Background(), pod("p"), holder, nil)
	require.NoError(t, err)
	require.Equal(t, fwk.Queue, got)
	got, err = hint(klog.Background(), pod("p"), pod("plain"), nil)
	require.NoError(t, err)
	require.Equal(t, fwk.QueueSkip, got, "a pod without shares frees none")
}
