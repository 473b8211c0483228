// Package usage owns the scheduler's record of what is handed out: one
// allocation per pod, from the pods' hami.io/allocation annotations and from
// decisions made but not yet seen back from the API server, turned into
// per-device usage aligned with a node's current inventory.
package usage

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/policy"
)

// Index is safe for concurrent use. Reads are served from a per-node cache
// that is rebuilt only when that node's pods or inventory change, since the
// filter reads every node for every pod.
type Index struct {
	mu    sync.RWMutex // guards pods, nodes
	pods  map[types.UID]*Pod
	nodes map[string]*node
}

// Pod is one pod's allocation as the index holds it.
type Pod struct {
	UID        types.UID
	Namespace  string
	Name       string
	Allocation *allocation.Allocation
	// Bound is set once the pod is seen bound to its node; a booking made
	// here and not yet bound is not.
	Bound bool
}

type node struct {
	pods map[types.UID]*Pod
	// bound lists the pods seen bound here, kept with pods: Departed
	// walks it for every node a filter reads, and a slice walks faster
	// than a map.
	bound []types.UID
	gen   uint64
	// cache holds one aligned usage per vendor. Readers under the read lock
	// replace it whole (copy on write), so they never wait for each other.
	cache atomic.Pointer[alignedSet]
}

// alignedSet is the cache of a node: the first vendor's entry inline, as
// most nodes have one vendor, so that filter reaches it in one step.
type alignedSet struct {
	first aligned
	more  []aligned
}

// find returns the entry for inv at gen.
func (s *alignedSet) find(inv *device.NodeInventory, gen uint64) (policy.Vendor, bool) {
	if s == nil {
		return policy.Vendor{}, false
	}
	if s.first.vendor.Inventory == inv && s.first.gen == gen {
		return s.first.vendor, true
	}
	for _, c := range s.more {
		if c.vendor.Inventory == inv && c.gen == gen {
			return c.vendor, true
		}
	}
	return policy.Vendor{}, false
}

// aligned is the usage of one inventory's devices at one generation of
// the node's pods, with its summary for scoring.
type aligned struct {
	gen    uint64
	vendor policy.Vendor
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{pods: map[types.UID]*Pod{}, nodes: map[string]*node{}}
}

// Set records (or replaces) a pod's allocation.
func (x *Index) Set(p *Pod) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(p.UID)
	x.pods[p.UID] = p
	n := x.nodes[p.Allocation.Node]
	if n == nil {
		n = &node{pods: map[types.UID]*Pod{}}
		x.nodes[p.Allocation.Node] = n
	}
	n.pods[p.UID] = p
	n.changed()
}

// changed marks a change of the node's pods.
func (n *node) changed() {
	n.gen++
	n.bound = n.bound[:0]
	for uid, p := range n.pods {
		if p.Bound {
			n.bound = append(n.bound, uid)
		}
	}
}

// Remove forgets a pod; its share is free again.
func (x *Index) Remove(uid types.UID) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(uid)
}

func (x *Index) removeLocked(uid types.UID) {
	p, ok := x.pods[uid]
	if !ok {
		return
	}
	delete(x.pods, uid)
	n := x.nodes[p.Allocation.Node]
	delete(n.pods, uid)
	n.changed()
	if len(n.pods) == 0 {
		delete(x.nodes, p.Allocation.Node)
	}
}

// Get returns a pod's record.
func (x *Index) Get(uid types.UID) (*Pod, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.pods[uid]
	return p, ok
}

// Usage returns the usage of inv's devices on its node. The result is shared:
// callers must not change it (policy functions copy before booking).
func (x *Index) Usage(inv *device.NodeInventory) policy.NodeUsage {
	r, done := x.Read()
	defer done()
	return r.Usage(inv)
}

// Read returns a Reader valid until done is called. A filter worker reads
// thousands of nodes under one read lock instead of locking per node: with
// several workers, the lock's shared counter was the filter's largest cost.
func (x *Index) Read() (Reader, func()) {
	x.mu.RLock()
	return Reader{x: x}, x.mu.RUnlock
}

// Lock is Read without the function to call when done: call Unlock on
// the Reader. A filter that reads one node per call saves the function
// value Read allocates.
func (x *Index) Lock() Reader {
	x.mu.RLock()
	return Reader{x: x}
}

// Unlock ends a Reader taken with Lock.
func (r Reader) Unlock() { r.x.mu.RUnlock() }

// Reader reads the index under a read lock held by its creator.
type Reader struct{ x *Index }

// Usage is Index.Usage under the reader's lock.
func (r Reader) Usage(inv *device.NodeInventory) policy.NodeUsage {
	return r.Vendor(inv).Usage
}

// Vendor returns what placement reads of inv's vendor on its node: the
// inventory, its usage and their summary, built once per inventory and
// change of the node's pods. A node without pods has no usage, and its
// summary is left to the policy.
func (r Reader) Vendor(inv *device.NodeInventory) policy.Vendor {
	n := r.x.nodes[inv.Node]
	if n == nil {
		return policy.Vendor{Inventory: inv}
	}
	cached := n.cache.Load()
	if v, ok := cached.find(inv, n.gen); ok {
		return v
	}
	u := build(inv, n.pods, nil)
	v := policy.Vendor{Inventory: inv, Usage: u, Summary: policy.Summarize(inv, u)}
	n.remember(cached, aligned{gen: n.gen, vendor: v})
	return v
}

// UsageExcept is Usage without one pod's share: a pod being scheduled again
// must not compete with its own earlier booking.
func (r Reader) UsageExcept(inv *device.NodeInventory, uid types.UID) policy.NodeUsage {
	n := r.x.nodes[inv.Node]
	if n == nil {
		return nil
	}
	return build(inv, n.pods, func(id types.UID) bool { return id == uid })
}

// Departed says whether a pod the index holds bound to the node is one
// present does not know: kube-scheduler's view of the node has already
// seen it leave, and the index, fed by its own handler of the same
// informer, has not yet. Bookings not yet bound are never departed.
func (r Reader) Departed(nodeName string, present func(types.UID) bool) bool {
	n := r.x.nodes[nodeName]
	if n == nil {
		return false
	}
	for _, uid := range n.bound {
		if !present(uid) {
			return true
		}
	}
	return false
}

// Departing is the skip function of Departed's pods.
func (r Reader) Departing(nodeName string, present func(types.UID) bool) func(types.UID) bool {
	n := r.x.nodes[nodeName]
	return func(uid types.UID) bool {
		p := n.pods[uid]
		return p != nil && p.Bound && !present(uid)
	}
}

// VendorWithout is Vendor as if the pods skip names had left the node: what
// kube-scheduler's preemption asks when it weighs evicting them. It is built
// afresh each time, never cached.
func (r Reader) VendorWithout(inv *device.NodeInventory, skip func(types.UID) bool) policy.Vendor {
	n := r.x.nodes[inv.Node]
	if n == nil {
		return policy.Vendor{Inventory: inv}
	}
	u := build(inv, n.pods, skip)
	return policy.Vendor{Inventory: inv, Usage: u, Summary: policy.Summarize(inv, u)}
}

// remember stores a as the cache entry of its vendor. Two readers that
// build the same entry at once both store a correct one; the last wins.
func (n *node) remember(prev *alignedSet, a aligned) {
	next := &alignedSet{first: a}
	if prev != nil {
		for _, c := range append([]aligned{prev.first}, prev.more...) {
			if c.vendor.Inventory.Vendor != a.vendor.Inventory.Vendor {
				next.more = append(next.more, c)
			}
		}
	}
	n.cache.Store(next)
}

// Pods lists the pods on a node, sorted by namespace and name.
func (x *Index) Pods(nodeName string) []*Pod {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := x.nodes[nodeName]
	if n == nil {
		return nil
	}
	out := slices.Collect(maps.Values(n.pods))
	slices.SortFunc(out, func(a, b *Pod) int {
		if a.Namespace != b.Namespace {
			return compare(a.Namespace, b.Namespace)
		}
		return compare(a.Name, b.Name)
	})
	return out
}

// Nodes lists the nodes that have pods, sorted.
func (x *Index) Nodes() []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.Sorted(maps.Keys(x.nodes))
}

// Len is the number of pods recorded.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.pods)
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
