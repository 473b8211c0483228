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

// scored holds the nodes that passed filter and their scores, in filter's
// order: kube-scheduler sends the same list back to prioritize, so a slice
// serves without building a map of thousands of entries per pod.
type scored struct {
	at     time.Time
	nodes  []string
	scores []int64
}

// lookup returns the score of every name, or false if one is missing.
func (s scored) lookup(names []string) ([]int64, bool) {
	if len(names) == len(s.nodes) {
		same := true
		for i := range names {
			if names[i] != s.nodes[i] {
				same = false
				break
			}
		}
		if same {
			return s.scores, true
		}
	}
	pos := make(map[string]int, len(s.nodes))
	for i, n := range s.nodes {
		pos[n] = i
	}
	out := make([]int64, len(names))
	for i, n := range names {
		j, ok := pos[n]
		if !ok {
			return nil, false
		}
		out[i] = s.scores[j]
	}
	return out, true
}

func newScoreCache() *scoreCache { return &scoreCache{pods: map[types.UID]scored{}} }

func (c *scoreCache) put(uid types.UID, nodes []string, scores []int64, now time.Time) {
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

// take returns and forgets the pod's scores for names, if they are fresh
// and cover every name.
func (c *scoreCache) take(uid types.UID, names []string, now time.Time) ([]int64, bool) {
	c.mu.Lock()
	v, ok := c.pods[uid]
	delete(c.pods, uid)
	c.mu.Unlock()
	if !ok || now.Sub(v.at) > scoreTTL {
		return nil, false
	}
	return v.lookup(names)
}
