package extender

import (
	"runtime"
	"sync"

	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// parallelFrom is the node count above which filter and prioritize split the
// work across CPUs; below it the goroutines cost more than they save.
const parallelFrom = 512

// nodeEval is what evaluating one node yields.
type nodeEval struct {
	score int64
	unfit *policy.Unfit
}

// evaluateAll fits and scores the pod on every named node, split across
// CPUs for large clusters. Each worker reads the usage index under one read
// lock and reuses one scratch Node.
func (s *Scheduler) evaluateAll(d *demand, names []string) []nodeEval {
	out := make([]nodeEval, len(names))
	chunks(len(names), func(lo, hi int) {
		r, done := s.index.Read()
		defer done()
		scratch := make(policy.Node, 0, len(d.vendors))
		for i := lo; i < hi; i++ {
			out[i] = s.evaluateOne(d, names[i], r, scratch)
		}
	})
	return out
}

func (s *Scheduler) evaluateOne(d *demand, name string, r usage.Reader, scratch policy.Node) nodeEval {
	node, unfit := s.view(d, name, r, scratch)
	if unfit != nil {
		return nodeEval{unfit: unfit}
	}
	score, unfit := policy.Evaluate(node, d.req, d.devicePolicy, d.nodePolicy)
	return nodeEval{score: score, unfit: unfit}
}

// chunks runs fn over [0,n) in one chunk per CPU when n is large.
func chunks(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < parallelFrom || workers == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	size := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += size {
		wg.Go(func() { fn(lo, min(lo+size, n)) })
	}
	wg.Wait()
}
