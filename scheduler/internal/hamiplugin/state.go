package hamiplugin

import (
	"fmt"
	"maps"

	"k8s.io/apimachinery/pkg/types"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/scheduler/internal/extender"
)

const stateKey fwk.StateKey = "hami.io/plugin"

// state is what one scheduling cycle of one pod keeps: the demand PreFilter
// parsed, the pods preemption's what-if took off each node, and the
// decision Reserve made for Bind. Score evaluates the pod again rather
// than reading what Filter found: from the index's per-node cache that
// costs less than keeping thousands of scores in a concurrent map.
type state struct {
	demand *extender.Demand
	// removed holds, per node, the pods RemovePod took away. Preemption
	// clones the state per candidate node and then changes it, so each
	// clone owns its copy.
	removed map[string]map[types.UID]struct{}
	alloc   *allocation.Allocation
}

// Clone copies what AddPod and RemovePod change; the rest is shared.
func (s *state) Clone() fwk.StateData {
	c := *s
	if s.removed != nil {
		c.removed = make(map[string]map[types.UID]struct{}, len(s.removed))
		for node, uids := range s.removed {
			c.removed[node] = maps.Clone(uids)
		}
	}
	return &c
}

// skip names the pods taken off node, nil when none were.
func (s *state) skip(node string) func(types.UID) bool {
	gone := s.removed[node]
	if len(gone) == 0 {
		return nil
	}
	return func(uid types.UID) bool { _, ok := gone[uid]; return ok }
}

func (s *state) remove(node string, uid types.UID) {
	if s.removed == nil {
		s.removed = map[string]map[types.UID]struct{}{}
	}
	if s.removed[node] == nil {
		s.removed[node] = map[types.UID]struct{}{}
	}
	s.removed[node][uid] = struct{}{}
}

func (s *state) restore(node string, uid types.UID) { delete(s.removed[node], uid) }

// lookup returns the cycle's state; false for a pod PreFilter skipped.
func lookup(cs fwk.CycleState) (*state, bool) {
	d, err := cs.Read(stateKey)
	if err != nil {
		return nil, false
	}
	s, ok := d.(*state)
	return s, ok
}

// mustLookup is lookup for the extension points that run only after
// PreFilter kept a state: its absence is a bug, reported as an error.
func mustLookup(cs fwk.CycleState) (*state, *fwk.Status) {
	s, ok := lookup(cs)
	if !ok {
		return nil, fwk.AsStatus(fmt.Errorf("hami: no cycle state %q", stateKey))
	}
	return s, nil
}
