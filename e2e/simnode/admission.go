package simnode

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
)

// podKey identifies one incarnation of a pod.
type podKey struct {
	Namespace, Name string
	UID             types.UID
}

// admission is the outcome of admitting a pod; kept so a failed status
// update is retried without calling Allocate again.
type admission struct {
	failure string // empty: admitted
}

// startPodInformer watches pods bound to any node (one watch for the whole
// fleet) and feeds those of fleet nodes to the admission workers.
func (f *Fleet) startPodInformer(ctx context.Context) error {
	f.factory = informers.NewSharedInformerFactoryWithOptions(f.client, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.FieldSelector = fields.OneTermNotEqualSelector("spec.nodeName", "").String()
		}))
	pods := f.factory.Core().V1().Pods()
	f.queue = workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[podKey]())
	_, err := pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    f.onPod,
		UpdateFunc: func(_, obj any) { f.onPod(obj) },
		DeleteFunc: f.onPodDeleted,
	})
	if err != nil {
		return fmt.Errorf("watch pods: %w", err)
	}
	f.factory.Start(f.ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), pods.Informer().HasSynced) {
		return fmt.Errorf("pod informer did not sync: %w", ctx.Err())
	}
	lister := pods.Lister()
	for range f.opts.Workers {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for f.processNext(lister) {
			}
		}()
	}
	return nil
}

func (f *Fleet) onPod(obj any) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	if _, ours := f.nodes[pod.Spec.NodeName]; !ours {
		return
	}
	if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodPending || pod.Status.Phase == "" {
		f.queue.Add(podKey{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID})
	}
}

func (f *Fleet) onPodDeleted(obj any) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	if n, ours := f.nodes[pod.Spec.NodeName]; ours {
		n.release(pod.UID)
		f.admitMu.Lock()
		delete(f.admitted, pod.UID)
		f.admitMu.Unlock()
	}
}

func (f *Fleet) processNext(lister listersv1.PodLister) bool {
	key, quit := f.queue.Get()
	if quit {
		return false
	}
	defer f.queue.Done(key)
	if err := f.sync(lister, key); err != nil {
		if f.ctx.Err() == nil {
			f.log.Debug().Err(err).Str("pod", key.Namespace+"/"+key.Name).Msg("retrying pod")
			f.queue.AddRateLimited(key)
		}
		return true
	}
	f.queue.Forget(key)
	return true
}

// sync brings one pod to where a kubelet would: terminated pods are deleted
// for good, pending ones are admitted and marked Running or Failed.
func (f *Fleet) sync(lister listersv1.PodLister, key podKey) error {
	pod, err := lister.Pods(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) || (err == nil && pod.UID != key.UID) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get pod: %w", err)
	}
	n := f.nodes[pod.Spec.NodeName]
	if pod.DeletionTimestamp != nil {
		return f.finishDeletion(n, pod)
	}
	if pod.Status.Phase != corev1.PodPending && pod.Status.Phase != "" {
		return nil
	}
	result := f.admitOnce(n, pod)
	if result.failure != "" {
		n.release(pod.UID)
		return f.postStatus(pod, failedStatus(pod, result.failure))
	}
	return f.postStatus(pod, runningStatus(pod))
}

// admitOnce admits the pod unless it already was.
func (f *Fleet) admitOnce(n *node, pod *corev1.Pod) admission {
	f.admitMu.Lock()
	prev, seen := f.admitted[pod.UID]
	f.admitMu.Unlock()
	if seen {
		return admission{failure: prev}
	}
	result := n.admit(f.ctx, pod)
	f.admitMu.Lock()
	f.admitted[pod.UID] = result.failure
	f.admitMu.Unlock()
	return result
}

func (f *Fleet) finishDeletion(n *node, pod *corev1.Pod) error {
	n.release(pod.UID)
	err := f.client.CoreV1().Pods(pod.Namespace).Delete(f.ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptr.To(int64(0)),
		Preconditions:      &metav1.Preconditions{UID: ptr.To(pod.UID)},
	})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("delete pod: %w", err)
	}
	return nil
}

// admit allocates every container's devices, in the kubelet's order (init
// containers first), serially per node as the kubelet admits pods.
func (n *node) admit(ctx context.Context, pod *corev1.Pod) admission {
	n.admitMu.Lock()
	defer n.admitMu.Unlock()
	containers := append(append([]corev1.Container(nil), pod.Spec.InitContainers...), pod.Spec.Containers...)
	for _, c := range containers {
		for _, resource := range sortedResources(c.Resources.Limits) {
			qty := c.Resources.Limits[corev1.ResourceName(resource)]
			if failure := n.allocateContainer(ctx, pod, c.Name, resource, int(qty.Value())); failure != "" {
				return admission{failure: failure}
			}
		}
	}
	return admission{}
}

// allocateContainer returns the kubelet's UnexpectedAdmissionError message
// on failure, or "".
func (n *node) allocateContainer(ctx context.Context, pod *corev1.Pod, container, resource string, need int) string {
	p, free := n.plugin(resource)
	if p == nil || need == 0 {
		return ""
	}
	if len(free) < need {
		return fmt.Sprintf("Allocate failed due to requested number of devices unavailable for %s. Requested: %d, Available: %d, which is unexpected", resource, need, len(free))
	}
	ids, resp, err := p.allocate(ctx, free, need)
	record := Allocation{
		Node: n.name, Namespace: pod.Namespace, Pod: pod.Name, PodUID: pod.UID,
		Container: container, Resource: resource, DeviceIDs: ids, Response: resp,
	}
	if err == nil {
		err = n.reserve(resource, pod.UID, ids)
	}
	if err != nil {
		record.Err = err.Error()
	}
	n.fleet.records.add(record)
	if err != nil {
		return fmt.Sprintf("Allocate failed due to %v, which is unexpected", err)
	}
	return ""
}

func sortedResources(list corev1.ResourceList) []string {
	names := make([]string, 0, len(list))
	for name := range list {
		names = append(names, string(name))
	}
	sort.Strings(names)
	return names
}
