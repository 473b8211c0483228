package hamiplugin

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"
)

// PreScore skips Score for pods that ask for nothing of ours.
func (p *Plugin) PreScore(_ context.Context, cs fwk.CycleState, _ *corev1.Pod, _ []fwk.NodeInfo) *fwk.Status {
	if _, ok := lookup(cs); !ok {
		return fwk.NewStatus(fwk.Skip)
	}
	return nil
}

// Score is the node policy's score of the pod on the node, 0..100.
func (p *Plugin) Score(_ context.Context, cs fwk.CycleState, _ *corev1.Pod, ni fwk.NodeInfo) (int64, *fwk.Status) {
	s, st := mustLookup(cs)
	if st != nil {
		return 0, st
	}
	score, unfit := p.decider.Evaluate(s.demand, ni.Node().Name, nil, ni.GetPods())
	if unfit != nil {
		return 0, nil
	}
	return score, nil
}

// ScoreExtensions is NormalizeScore.
func (p *Plugin) ScoreExtensions() fwk.ScoreExtensions { return p }

// NormalizeScore maps the scores of this cycle onto 0..MaxNodeScore. Under
// the best node choice, the nodes the policy rates highest get the full
// score and the others none: with the plugin's weight above the sum of the
// other score plugins', the policy decides and kube-scheduler's own scores
// only break ties among the best, as the extender's best choice does.
// Otherwise the lowest maps to 0 and the highest to the full score, so that
// nodes a few percent apart stay apart. Equal scores carry no preference
// and all get 0.
func (p *Plugin) NormalizeScore(_ context.Context, _ fwk.CycleState, _ *corev1.Pod, scores fwk.NodeScoreList) *fwk.Status {
	if len(scores) == 0 {
		return nil
	}
	lo, hi := scores[0].Score, scores[0].Score
	for _, s := range scores {
		lo, hi = min(lo, s.Score), max(hi, s.Score)
	}
	for i := range scores {
		switch {
		case hi == lo:
			scores[i].Score = 0
		case p.best:
			scores[i].Score = boolScore(scores[i].Score == hi)
		default:
			scores[i].Score = (scores[i].Score - lo) * fwk.MaxNodeScore / (hi - lo)
		}
	}
	return nil
}

func boolScore(top bool) int64 {
	if top {
		return fwk.MaxNodeScore
	}
	return 0
}
