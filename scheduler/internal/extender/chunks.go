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

// Scores are kept in a byte per node: the policy scores 0..policyMax, and
// unfit marks a node the pod does not fit on.
const (
	policyMax = 100
	unfit     = -1
)

// nodeEval is what evaluating one node yields: its score, or why the pod
// does not fit.
type nodeEval struct {
	score int8
	unfit *policy.Unfit
}

// evals are reused from call to call: a filter over 5,000 nodes would
// otherwise leave 80 KB of them behind each time.
var evals = sync.Pool{New: func() any { return new([]nodeEval) }}

// putEvals hands back what evaluateAll returned.
func putEvals(e *[]nodeEval) {
	clear(*e) // drop the reasons
	evals.Put(e)
}

// evaluateAll fits and scores the pod on every named node, split across
// CPUs for large clusters. Each worker reads the usage index under one read
// lock and reuses one scratch Node. The caller hands the result back with
// putEvals.
func (s *Scheduler) evaluateAll(d *demand, names []string) *[]nodeEval {
	out := evals.Get().(*[]nodeEval)
	if cap(*out) < len(names) {
		*out = make([]nodeEval, len(names))
	}
	*out = (*out)[:len(names)]
	res := *out
	chunks(len(names), func(lo, hi int) {
		r, done := s.index.Read()
		defer done()
		// On the stack for up to three vendors, what a pod asks for.
		var scratchArray [3]policy.Vendor
		scratch := scratchArray[:0]
		for i := lo; i < hi; i++ {
			res[i] = s.evaluateOne(d, names[i], r, scratch)
		}
	})
	return out
}

func (s *Scheduler) evaluateOne(d *demand, name string, r usage.Reader, scratch policy.Node) nodeEval {
	node, why := s.view(d, name, r, scratch)
	if why != nil {
		return nodeEval{unfit: why}
	}
	score, why := policy.Evaluate(node, d.req, d.devicePolicy, d.nodePolicy)
	return nodeEval{score: int8(min(max(score, 0), policyMax)), unfit: why}
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
