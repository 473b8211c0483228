package extender_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// podInfo is the one method of a PodInfo that Evaluate calls.
type podInfo struct{ pod *corev1.Pod }

func (p podInfo) GetPod() *corev1.Pod { return p.pod }

func (podInfo) GetRequiredAffinityTerms() []fwk.AffinityTerm              { return nil }
func (podInfo) GetRequiredAntiAffinityTerms() []fwk.AffinityTerm          { return nil }
func (podInfo) GetPreferredAffinityTerms() []fwk.WeightedAffinityTerm     { return nil }
func (podInfo) GetPreferredAntiAffinityTerms() []fwk.WeightedAffinityTerm { return nil }
func (podInfo) CalculateResource() fwk.PodResource                        { return fwk.PodResource{} }

// allocOn is the allocation the index holds for the pod.
func allocOn(t *testing.T, fx *fixture, pod *corev1.Pod) *allocation.Allocation {
	t.Helper()
	p, ok := fx.index.Get(pod.UID)
	require.True(t, ok, "%s booked", pod.Name)
	return p.Allocation
}

// The plugin front end's calls: parse once, evaluate per node, what-if
// without some pods (preemption), book, commit, release.
func TestDecisionCodeOfThePlugin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	holder := gpuPod("holder", 9000, 0, nil)
	pod := gpuPod("p", 9000, 0, nil)
	fx := newFixture(t, holder, pod)

	d, err := fx.s.Parse(holder)
	require.NoError(t, err)
	require.Same(t, holder, d.Pod())
	_, err = fx.s.Book(ctx, d, "node-a")
	require.NoError(t, err)
	d2, err := fx.s.Parse(holder)
	require.NoError(t, err)
	_, err = fx.s.Book(ctx, d2, "node-a")
	require.NoError(t, err, "a second booking of the same pod replaces the first")

	dp, err := fx.s.Parse(pod)
	require.NoError(t, err)
	_, unfit := fx.s.Evaluate(dp, "node-a", nil, nil)
	require.Nil(t, unfit, "one GPU of node-a is still free")
	_, unfit = fx.s.Evaluate(dp, "node-b", nil, nil)
	require.NotNil(t, unfit)
	require.Contains(t, unfit.Error(), "insufficient memory")
	_, unfit = fx.s.Evaluate(dp, "node-c", nil, nil)
	require.Equal(t, policy.NoInventory, unfit.Code)

	a, err := fx.s.Book(ctx, dp, "node-a")
	require.NoError(t, err)
	again, err := fx.s.Parse(pod)
	require.NoError(t, err)
	_, unfit = fx.s.Evaluate(again, "node-a", nil, nil)
	require.Nil(t, unfit, "the pod's own booking does not count against it")
	third, err := fx.s.Parse(gpuPod("third", 9000, 0, nil))
	require.NoError(t, err)
	_, unfit = fx.s.Evaluate(third, "node-a", nil, nil)
	require.NotNil(t, unfit, "both GPUs of node-a are booked")
	without := func(uid types.UID) bool { return uid == holder.UID }
	_, unfit = fx.s.Evaluate(third, "node-a", without, nil)
	require.Nil(t, unfit, "evicting the holder would make room")

	// The holder, once bound, left kube-scheduler's view of the node
	// before the index heard of it: it counts as gone.
	fx.index.Set(&usage.Pod{UID: holder.UID, Namespace: "default", Name: "holder", Allocation: allocOn(t, fx, holder), Bound: true})
	onlyP := []fwk.PodInfo{podInfo{pod}}
	_, unfit = fx.s.Evaluate(third, "node-a", nil, onlyP)
	require.Nil(t, unfit, "a departed pod's share is free")
	both := []fwk.PodInfo{podInfo{pod}, podInfo{holder}}
	_, unfit = fx.s.Evaluate(third, "node-a", nil, both)
	require.NotNil(t, unfit, "a pod still on the node holds its share")

	require.NoError(t, fx.s.Commit(ctx, pod, "node-a", a))
	require.Equal(t, "node-a", fx.binder.bound["p"].node)
	require.Equal(t, a, fx.binder.bound["p"].a)
	fx.binder.err = errAPI
	require.ErrorIs(t, fx.s.Commit(ctx, holder, "node-a", a), errAPI)
	_, held := fx.index.Get(holder.UID)
	require.False(t, held, "a failed bind frees the booking")
	fx.s.Release(pod.UID)
	require.Zero(t, fx.index.Len())

	require.True(t, fx.s.Manages(pod))
	none, err := fx.s.Parse(&corev1.Pod{})
	require.NoError(t, err)
	require.Nil(t, none)
	require.False(t, fx.s.Manages(&corev1.Pod{}))
}
