package simnode

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"google.golang.org/grpc"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// node is one simulated kubelet.
type node struct {
	fleet *Fleet
	name  string
	dir   string // device-plugin directory
	reg   *grpc.Server

	lease *coordinationv1.Lease // touched only by the lease loop after creation

	admitMu sync.Mutex // the kubelet admits one pod at a time

	mu        sync.Mutex
	resources map[string]*resourceState // extended resource name -> devices
}

func newNode(f *Fleet, name string) *node {
	return &node{
		fleet:     f,
		name:      name,
		dir:       filepath.Join(f.opts.SocketRoot, name),
		resources: make(map[string]*resourceState),
	}
}

func (n *node) stop() {
	if n.reg != nil {
		n.reg.Stop()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, rs := range n.resources {
		rs.plugin.close()
	}
}

// object is the Node as a freshly registered kubelet would post it.
func (n *node) object() *corev1.Node {
	labels := map[string]string{
		corev1.LabelHostname:   n.name,
		corev1.LabelOSStable:   "linux",
		corev1.LabelArchStable: "amd64",
		"hami.io/simulated":    "true",
	}
	for k, v := range n.fleet.opts.Labels {
		labels[k] = v
	}
	now := metav1.Now()
	condition := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: s, Reason: reason, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: n.name, Labels: labels},
		Status: corev1.NodeStatus{
			Capacity:    n.fleet.opts.Capacity.DeepCopy(),
			Allocatable: n.fleet.opts.Capacity.DeepCopy(),
			Conditions: []corev1.NodeCondition{
				condition(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady"),
				condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory"),
				condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure"),
				condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID"),
			},
			Addresses: []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: n.name}},
			NodeInfo: corev1.NodeSystemInfo{
				KubeletVersion:          KubeletVersion,
				OperatingSystem:         "linux",
				Architecture:            "amd64",
				ContainerRuntimeVersion: "simnode://" + KubeletVersion,
			},
		},
	}
}

// register creates the Node, makes it schedulable and creates its Lease.
func (n *node) register(ctx context.Context) error {
	client := n.fleet.client.CoreV1().Nodes()
	created, err := client.Create(ctx, n.object(), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create node %s: %w", n.name, err)
	}
	if !readyIn(created) {
		// Older apiservers drop status on create; post it as the kubelet does.
		created.Status = n.object().Status
		if created, err = client.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("post status of node %s: %w", n.name, err)
		}
	}
	if err := n.untaint(ctx, created); err != nil {
		return err
	}
	return n.createLease(ctx)
}

// untaint removes the not-ready taint admission added: without
// kube-controller-manager nothing else would.
func (n *node) untaint(ctx context.Context, obj *corev1.Node) error {
	for attempt := 0; ; attempt++ {
		kept := obj.Spec.Taints[:0]
		for _, t := range obj.Spec.Taints {
			if t.Key != corev1.TaintNodeNotReady {
				kept = append(kept, t)
			}
		}
		if len(kept) == len(obj.Spec.Taints) {
			return nil
		}
		obj.Spec.Taints = kept
		_, err := n.fleet.client.CoreV1().Nodes().Update(ctx, obj, metav1.UpdateOptions{})
		if err == nil {
			return nil
		}
		if !apierrors.IsConflict(err) || attempt > 5 {
			return fmt.Errorf("untaint node %s: %w", n.name, err)
		}
		if obj, err = n.fleet.client.CoreV1().Nodes().Get(ctx, n.name, metav1.GetOptions{}); err != nil {
			return fmt.Errorf("get node %s: %w", n.name, err)
		}
	}
}

func readyIn(obj *corev1.Node) bool {
	for _, c := range obj.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func (n *node) createLease(ctx context.Context) error {
	duration := int32(4 * n.fleet.opts.LeaseRenewInterval / time.Second)
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: n.name, Namespace: corev1.NamespaceNodeLease},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity:       ptr.To(n.name),
			LeaseDurationSeconds: ptr.To(duration),
			RenewTime:            &metav1.MicroTime{Time: time.Now()},
		},
	}
	created, err := n.fleet.client.CoordinationV1().Leases(corev1.NamespaceNodeLease).Create(ctx, lease, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create lease of %s: %w", n.name, err)
	}
	n.lease = created
	return nil
}

// renewLease moves the Lease's renew time forward, as the kubelet heartbeat does.
func (n *node) renewLease(ctx context.Context) error {
	if n.lease == nil {
		return nil
	}
	lease := n.lease.DeepCopy()
	lease.Spec.RenewTime = &metav1.MicroTime{Time: time.Now()}
	updated, err := n.fleet.client.CoordinationV1().Leases(corev1.NamespaceNodeLease).Update(ctx, lease, metav1.UpdateOptions{})
	if err != nil {
		if apierrors.IsConflict(err) {
			n.lease, _ = n.fleet.client.CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, n.name, metav1.GetOptions{})
		}
		return fmt.Errorf("renew lease of %s: %w", n.name, err)
	}
	n.lease = updated
	return nil
}

// healthyDevices lists, per resource, the healthy device ids, sorted.
func (n *node) healthyDevices() map[string][]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make(map[string][]string, len(n.resources))
	for name, rs := range n.resources {
		ids := rs.healthy()
		sort.Strings(ids)
		out[name] = ids
	}
	return out
}
