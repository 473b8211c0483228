package extender

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// Score cache bounds: kube-scheduler calls prioritize right after filter for
// the same pod, so a few seconds and a few hundred pods cover every cycle.
const (
	scoreTTL     = 10 * time.Second
	scoreEntries = 256
)

// scoreCache keeps the node scores filter computed in its pass, so that
// prioritize for the same pod does not place it on every node again. A
// score a bind has since made stale only orders nodes; bind re-checks fit.
type scoreCache struct {
	mu   sync.Mutex // guards pods
	pods map[types.UID]scored
}

// scored holds filter's candidates, in the order sent, and their scores
// (unfit where the pod does not fit).
type scored struct {
	at     time.Time
	nodes  []string
	scores *[]int8
}

// Score buffers go from filter, through the cache, to prioritize, and back:
// a byte per node, reused from pod to pod.
var scoreBuffers = sync.Pool{New: func() any { return new([]int8) }}

// getScores returns a buffer of n scores; putScores hands it back.
func getScores(n int) *[]int8 {
	b := scoreBuffers.Get().(*[]int8)
	if cap(*b) < n {
		*b = make([]int8, n)
	}
	*b = (*b)[:n]
	return b
}

func putScores(b *[]int8) { scoreBuffers.Put(b) }

// lookup moves the score of every name to the front of the buffer, in the
// order of names, or reports false if one is missing. kube-scheduler sends
// prioritize the nodes that passed filter in filter's order (fewer, when
// another extender filtered after this one), so one forward walk over the
// candidates finds them all, and no score is overwritten before it is read.
func (s scored) lookup(names []string) bool {
	sc := *s.scores
	j := 0
	for i, n := range names {
		for j < len(s.nodes) && s.nodes[j] != n {
			j++
		}
		if j == len(s.nodes) {
			return false
		}
		sc[i] = sc[j]
		j++
	}
	*s.scores = sc[:len(names)]
	return true
}

func newScoreCache() *scoreCache { return &scoreCache{pods: map[types.UID]scored{}} }

// put keeps scores, which the cache now owns, for the pod.
func (c *scoreCache) put(uid types.UID, nodes []string, scores *[]int8, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pods) >= scoreEntries {
		for k, v := range c.pods {
			if now.Sub(v.at) > scoreTTL {
				delete(c.pods, k)
			}
		}
		if len(c.pods) >= scoreEntries {
			clear(c.pods)
		}
	}
	c.pods[uid] = scored{at: now, nodes: nodes, scores: scores}
}

// take returns and forgets the pod's scores for names, in their order, if
// they are fresh and cover every name. The caller owns the buffer.
func (c *scoreCache) take(uid types.UID, names []string, now time.Time) (*[]int8, bool) {
	c.mu.Lock()
	v, ok := c.pods[uid]
	delete(c.pods, uid)
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	if now.Sub(v.at) > scoreTTL || !v.lookup(names) {
		putScores(v.scores)
		return nil, false
	}
	return v.scores, true
}
