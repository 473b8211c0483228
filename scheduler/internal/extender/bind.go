package extender

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"
	corev1 "k8s.io/api/core/v1"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// Bind chooses the devices on the node kube-scheduler picked, books them,
// writes the decision on the pod and binds it. Decisions are serialised, so
// a booking is in the index before the next decision reads it.
func (s *Scheduler) Bind(ctx context.Context, args *extenderv1.ExtenderBindingArgs) *extenderv1.ExtenderBindingResult {
	start := time.Now()
	err := s.bind(ctx, args)
	s.metrics.bindLatency.Observe(time.Since(start).Seconds())
	if err != nil {
		s.metrics.decision("bind", "error", reasonOf(err))
		zerolog.Ctx(ctx).Warn().Err(err).Str("pod", args.PodNamespace+"/"+args.PodName).
			Str("node", args.Node).Msg("bind refused")
		return &extenderv1.ExtenderBindingResult{Error: err.Error()}
	}
	s.metrics.decision("bind", "bound", "")
	return &extenderv1.ExtenderBindingResult{}
}

func (s *Scheduler) bind(ctx context.Context, args *extenderv1.ExtenderBindingArgs) error {
	if !s.leader() {
		return ErrNotLeader
	}
	if err := s.notReady(); err != nil {
		return err
	}
	pod, err := s.pods.Pod(ctx, args.PodNamespace, args.PodName)
	if err != nil {
		return fmt.Errorf("get pod: %w", err)
	}
	if err := sameUID(args.PodUID, pod); err != nil {
		return err
	}
	a, err := s.decide(ctx, pod, args.Node)
	if err != nil {
		return err
	}
	return s.commit(ctx, pod, args.Node, a)
}

// decide chooses and books the pod's devices on the node; nil for a pod
// that asks for nothing of ours. Decisions are serialised so each one reads
// the bookings of those before it, but the API calls that follow run
// outside the lock: the booking already holds the capacity, and holding
// the lock across two round trips to the API server would cap binding at a
// few hundred pods per second no matter how many binds kube-scheduler runs.
func (s *Scheduler) decide(ctx context.Context, pod *corev1.Pod, node string) (*allocation.Allocation, error) {
	s.bindMu.Lock()
	defer s.bindMu.Unlock()
	d, err := s.parse(pod, s.settings.Current())
	if err != nil || d == nil {
		return nil, err
	}
	return s.choose(ctx, d, node)
}

// choose places the pod on the node and books it in the index.
func (s *Scheduler) choose(ctx context.Context, d *demand, nodeName string) (*allocation.Allocation, error) {
	p, node, unfit := s.fit(d, nodeName)
	if unfit != nil {
		return nil, fmt.Errorf("%s: %w", nodeName, unfit)
	}
	a := usage.AllocationOf(nodeName, p, node)
	s.index.Set(&usage.Pod{UID: d.pod.UID, Namespace: d.pod.Namespace, Name: d.pod.Name, Allocation: a})
	logDecision(ctx, d, a)
	return a, nil
}

// commit writes the decision and binds; on failure the booking is undone so
// the capacity is free for the next decision.
func (s *Scheduler) commit(ctx context.Context, pod *corev1.Pod, node string, a *allocation.Allocation) error {
	if err := s.binder.Bind(ctx, pod, node, a, s.now()); err != nil {
		if a != nil {
			s.index.Remove(pod.UID)
		}
		return err
	}
	return nil
}

func logDecision(ctx context.Context, d *demand, a *allocation.Allocation) {
	ev := zerolog.Ctx(ctx).Info().Str("pod", podKey(d.pod)).Str("node", a.Node).
		Str("nodePolicy", d.nodePolicy).Str("devicePolicy", d.devicePolicy)
	var devs []string
	for _, c := range a.Containers {
		for _, dev := range c.Devices {
			s := fmt.Sprintf("%s:%s %dMiB %d%%", c.Name, dev.ID, dev.MemoryMiB, dev.Cores)
			if dev.Profile != "" {
				s += " " + dev.Profile
			}
			devs = append(devs, s)
		}
	}
	ev.Strs("devices", devs).Msg("placed")
}
