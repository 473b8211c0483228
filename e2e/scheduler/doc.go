// Package scheduler holds the end-to-end tests of the scheduler extender:
// hami-scheduler runs as a real process beside a real kube-scheduler and
// kube-apiserver, and simulated nodes carry the gpuplugin test double, which
// publishes their inventories over the scheduler's embedded NATS and answers
// Allocate from the allocation annotation. Run them with
// `E2E_RUN=Scheduler make e2e`; the throughput benchmark runs from
// hack/bench-scheduler.sh.
package scheduler
