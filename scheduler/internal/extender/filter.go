package extender

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"
)

// Filter keeps the nodes where every container of the pod fits; each other
// node gets the reason, which the user sees in the FailedScheduling event.
func (s *Scheduler) Filter(ctx context.Context, args *extenderv1.ExtenderArgs) *extenderv1.ExtenderFilterResult {
	start := time.Now()
	names := nodeNames(args)
	res := &extenderv1.ExtenderFilterResult{FailedNodes: extenderv1.FailedNodesMap{}}
	d, err := s.parse(args.Pod, s.settings.Current())
	if err == nil && d != nil {
		err = s.notReady()
	}
	switch {
	case errors.Is(err, ErrNotReady):
		res.Error = "hami: " + err.Error()
		s.metrics.decision("filter", "error", "not ready")
	case err != nil:
		res.Error = "hami: " + err.Error()
		s.metrics.decision("filter", "error", "invalid request")
	case d == nil:
		res.NodeNames = &names
		res.Nodes = args.Nodes
		s.metrics.decision("filter", "ignored", "")
	default:
		s.filter(d, names, res)
		keepNodeObjects(args, res)
		s.logFilter(ctx, d, names, res)
	}
	s.metrics.filterLatency.Observe(time.Since(start).Seconds())
	return res
}

func (s *Scheduler) filter(d *demand, names []string, res *extenderv1.ExtenderFilterResult) {
	evals := s.evaluateAll(d, names)
	passed := make([]string, 0, len(names))
	scores := make([]int64, 0, len(names))
	for i, name := range names {
		if evals[i].unfit != nil {
			res.FailedNodes[name] = evals[i].unfit.Error()
			continue
		}
		passed = append(passed, name)
		scores = append(scores, evals[i].score)
	}
	s.scores.put(d.pod.UID, passed, scores, s.now())
	res.NodeNames = &passed
	result := "fit"
	if len(passed) == 0 {
		result = "unschedulable"
	}
	s.metrics.decision("filter", result, "")
}

// nodeNames reads the candidate nodes from either form the extender may be
// sent (names when nodeCacheCapable, whole objects otherwise).
func nodeNames(args *extenderv1.ExtenderArgs) []string {
	if args.NodeNames != nil {
		return *args.NodeNames
	}
	if args.Nodes == nil {
		return nil
	}
	out := make([]string, len(args.Nodes.Items))
	for i := range args.Nodes.Items {
		out[i] = args.Nodes.Items[i].Name
	}
	return out
}

// keepNodeObjects answers in the form the request came in.
func keepNodeObjects(args *extenderv1.ExtenderArgs, res *extenderv1.ExtenderFilterResult) {
	if args.Nodes == nil {
		return
	}
	pass := make(map[string]bool, len(*res.NodeNames))
	for _, n := range *res.NodeNames {
		pass[n] = true
	}
	res.Nodes = args.Nodes.DeepCopy()
	res.Nodes.Items = res.Nodes.Items[:0]
	for _, n := range args.Nodes.Items {
		if pass[n.Name] {
			res.Nodes.Items = append(res.Nodes.Items, n)
		}
	}
}

func (s *Scheduler) logFilter(ctx context.Context, d *demand, names []string, res *extenderv1.ExtenderFilterResult) {
	if len(*res.NodeNames) > 0 {
		zerolog.Ctx(ctx).Debug().Str("pod", podKey(d.pod)).Int("nodes", len(names)).
			Int("fit", len(*res.NodeNames)).Msg("filter")
		return
	}
	ev := zerolog.Ctx(ctx).Info().Str("pod", podKey(d.pod)).Int("nodes", len(names))
	for name, why := range res.FailedNodes {
		ev = ev.Str("example", name+": "+why)
		break
	}
	ev.Msg("no node fits")
}

// Prioritize scores the nodes by the pod's node policy, scaled to the
// extender range 0..10. The scores filter computed for this pod are used
// where it has them.
func (s *Scheduler) Prioritize(_ context.Context, args *extenderv1.ExtenderArgs) *extenderv1.HostPriorityList {
	names := nodeNames(args)
	list := make(extenderv1.HostPriorityList, len(names))
	for i, n := range names {
		list[i] = extenderv1.HostPriority{Host: n}
	}
	// Filter left the scores of this pod: no need to parse or place it again.
	scores, ok := s.scores.take(args.Pod.UID, names, s.now())
	if !ok {
		d, err := s.parse(args.Pod, s.settings.Current())
		if err != nil || d == nil {
			return &list
		}
		scores = make([]int64, len(names))
		for i, e := range s.evaluateAll(d, names) {
			if e.unfit == nil {
				scores[i] = e.score
			} else {
				scores[i] = -1
			}
		}
	}
	spreadOver(list, scores)
	return &list
}

// spreadOver maps the policy's 0..100 scores onto the extender's 0..10 so
// that the best node of this call gets 10 and the worst 0. Scaling by a
// fixed 10/100 would fold nodes that differ by a few percent (most nodes,
// for a small pod) into one score, and kube-scheduler could not tell them
// apart. Nodes that do not fit (negative) get 0.
func spreadOver(list extenderv1.HostPriorityList, scores []int64) {
	lo, hi := int64(101), int64(-1)
	for _, v := range scores {
		if v >= 0 {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	for i, v := range scores {
		switch {
		case v < 0:
			list[i].Score = 0
		case hi == lo:
			list[i].Score = extenderv1.MaxExtenderPriority
		default:
			list[i].Score = (v - lo) * extenderv1.MaxExtenderPriority / (hi - lo)
		}
	}
}
