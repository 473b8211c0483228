package extender

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"
)

// filterSink takes filter's verdicts node by node, in the order the nodes
// were sent; the typed result and the JSON answer are its two forms.
type filterSink interface {
	pass(node string)
	fail(node, reason string)
	// refuse answers the whole call with an error instead.
	refuse(msg string)
}

// Filter keeps the nodes where every container of the pod fits; each other
// node gets the reason, which the user sees in the FailedScheduling event.
// It answers in the form it was asked: node names, or node objects.
func (s *Scheduler) Filter(ctx context.Context, args *extenderv1.ExtenderArgs) *extenderv1.ExtenderFilterResult {
	out := &typedFilter{res: extenderv1.ExtenderFilterResult{FailedNodes: extenderv1.FailedNodesMap{}}, passed: []string{}}
	s.filter(ctx, args.Pod, nodeNames(args), out)
	if out.res.Error == "" {
		out.res.NodeNames = &out.passed
		keepNodeObjects(args, &out.res)
	}
	return &out.res
}

// AppendFilter appends filter's answer for the pod on the named nodes to
// dst as JSON (an ExtenderFilterResult with NodeNames), what the extender
// writes for a kube-scheduler that sends node names.
func (s *Scheduler) AppendFilter(ctx context.Context, dst []byte, pod *corev1.Pod, names []string) []byte {
	out := newJSONFilter()
	s.filter(ctx, pod, names, out)
	return out.finish(dst)
}

func (s *Scheduler) filter(ctx context.Context, pod *corev1.Pod, names []string, out filterSink) {
	start := time.Now()
	d, err := s.parse(pod, s.settings.Current())
	if err == nil && d != nil {
		err = s.notReady()
	}
	switch {
	case errors.Is(err, ErrNotReady):
		out.refuse("hami: " + err.Error())
		s.metrics.decision("filter", "error", "not ready")
	case err != nil:
		out.refuse("hami: " + err.Error())
		s.metrics.decision("filter", "error", "invalid request")
	case d == nil:
		for _, name := range names {
			out.pass(name)
		}
		s.metrics.decision("filter", "ignored", "")
	default:
		s.place(ctx, d, names, out)
	}
	s.metrics.filterLatency.Observe(time.Since(start).Seconds())
}

// place judges the pod on every node. Under BestNodes only the nodes of
// the highest score pass; the others fit but are left out of the answer,
// neither passed nor failed. It keeps the scores for the pod's prioritize
// call.
func (s *Scheduler) place(ctx context.Context, d *demand, names []string, out filterSink) {
	evals := s.evaluateAll(d, names)
	best := int8(unfit) // every fitting node passes
	if s.keepBest {
		for i := range names {
			if e := &(*evals)[i]; e.unfit == nil {
				best = max(best, e.score)
			}
		}
	}
	buf := getScores(len(names))
	scores := *buf
	fit, kept, example := 0, 0, ""
	for i, name := range names {
		e := &(*evals)[i]
		if e.unfit != nil {
			scores[i] = unfit
			why := e.unfit.Error()
			out.fail(name, why)
			if example == "" {
				example = name + ": " + why
			}
			continue
		}
		scores[i] = e.score
		fit++
		if e.score >= best {
			kept++
			out.pass(name)
		}
	}
	putEvals(evals)
	if kept > 1 { // kube-scheduler asks for priorities only to choose
		s.scores.put(d.pod.UID, names, buf, s.now())
		s.checkPrioritizeVerb(ctx)
	} else {
		putScores(buf)
	}
	if fit == 0 {
		s.metrics.decision("filter", "unschedulable", "")
		zerolog.Ctx(ctx).Info().Str("pod", podKey(d.pod)).Int("nodes", len(names)).Str("example", example).Msg("no node fits")
		return
	}
	s.metrics.decision("filter", "fit", "")
	zerolog.Ctx(ctx).Debug().Str("pod", podKey(d.pod)).Int("nodes", len(names)).Int("fit", fit).Int("kept", kept).Msg("filter")
}

// typedFilter collects the verdicts into an ExtenderFilterResult.
type typedFilter struct {
	res    extenderv1.ExtenderFilterResult
	passed []string
}

func (t *typedFilter) pass(node string)         { t.passed = append(t.passed, node) }
func (t *typedFilter) fail(node, reason string) { t.res.FailedNodes[node] = reason }
func (t *typedFilter) refuse(msg string)        { t.res.Error = msg }

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

// Prioritize scores the nodes by the pod's node policy on the extender's
// 0..10 scale. Only nodes above 0 are listed: kube-scheduler counts a node
// missing from the list as 0.
func (s *Scheduler) Prioritize(_ context.Context, args *extenderv1.ExtenderArgs) *extenderv1.HostPriorityList {
	list := extenderv1.HostPriorityList{}
	names := nodeNames(args)
	scores := s.priorities(args.Pod.UID, names, func() (*corev1.Pod, error) { return args.Pod, nil })
	for i, name := range names {
		if v := (*scores)[i]; v > 0 {
			list = append(list, extenderv1.HostPriority{Host: name, Score: int64(v)})
		}
	}
	putScores(scores)
	return &list
}

// AppendPrioritize appends prioritize's answer for the pod with uid on the
// named nodes to dst as JSON (a HostPriorityList). The pod itself is only
// needed when filter left no scores for it; pod decodes it then.
func (s *Scheduler) AppendPrioritize(dst []byte, uid types.UID, names []string, pod func() (*corev1.Pod, error)) []byte {
	scores := s.priorities(uid, names, pod)
	dst = appendPriorities(dst, names, *scores)
	putScores(scores)
	return dst
}

// priorities returns each node's score on the extender's scale, in a
// buffer the caller hands back with putScores: from the scores filter
// computed for this pod where it has them, else by judging the pod on every
// node again. A node the pod does not fit on scores 0, as does every node
// when the pod is not ours or cannot be read.
func (s *Scheduler) priorities(uid types.UID, names []string, pod func() (*corev1.Pod, error)) *[]int8 {
	s.calls.prioritized.Add(1)
	scores, ok := s.scores.take(uid, names, s.now())
	if !ok {
		scores = getScores(len(names))
		s.judge(names, pod, *scores)
	}
	spreadOver(*scores)
	return scores
}

// judge fills scores with the policy's score of the pod on each node,
// unfit where it does not fit; all unfit when the pod cannot be read or is
// not ours.
func (s *Scheduler) judge(names []string, pod func() (*corev1.Pod, error), scores []int8) {
	for i := range scores {
		scores[i] = unfit
	}
	p, err := pod()
	if err != nil {
		return
	}
	d, err := s.parse(p, s.settings.Current())
	if err != nil || d == nil {
		return
	}
	evals := s.evaluateAll(d, names)
	for i := range names {
		if e := &(*evals)[i]; e.unfit == nil {
			scores[i] = e.score
		}
	}
	putEvals(evals)
}

// spreadOver maps the policy's 0..100 scores onto the extender's 0..10 in
// place, so that the best node of this call gets 10 and the worst 0. Scaling
// by a fixed 10/100 would fold nodes that differ by a few percent (most
// nodes, for a small pod) into one score, and kube-scheduler could not tell
// them apart. When every node scores the same the extender has no
// preference and all get 0, as do the nodes that do not fit.
func spreadOver(scores []int8) {
	lo, hi := int8(policyMax+1), int8(unfit)
	for _, v := range scores {
		if v >= 0 {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	for i, v := range scores {
		if v < 0 || hi == lo {
			scores[i] = 0
			continue
		}
		scores[i] = int8(int64(v-lo) * extenderv1.MaxExtenderPriority / int64(hi-lo))
	}
}
