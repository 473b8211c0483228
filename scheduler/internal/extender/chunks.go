package extender

import (
	"runtime"
	"sync"
	"sync/atomic"

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

// chunkSize is the nodes a worker takes at a time. Small chunks pulled from
// a shared counter, rather than one fixed share per CPU, let the workers
// that run absorb the work of one that waits (for the garbage collector,
// or another process on a busy node): with two fixed halves, a cycle took
// as long as its slowest half, which set the p99.
const chunkSize = 128

// chunks runs fn over [0,n) in chunks taken by one worker per CPU when n is
// large.
func chunks(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < parallelFrom || workers == 1 {
		fn(0, n)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunkSize)) - chunkSize
				if lo >= n {
					return
				}
				fn(lo, min(lo+chunkSize, n))
			}
		})
	}
	wg.Wait()
}
