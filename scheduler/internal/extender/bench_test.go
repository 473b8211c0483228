package extender_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// benchFleet is n nodes of 8 GPUs of 80 GiB with varied usage, booked in
// the index as one pod per node holding k*8000 MiB and k*10% of GPU d
// (k = (i*7+d*3) mod 9), as the policy benchmark's fleet. The inventories
// are served by an inventory snapshot, as the watcher serves them.
func benchFleet(n int) (extender.Fleet, *usage.Index, []string) {
	var invs []*device.NodeInventory
	index := usage.NewIndex()
	names := make([]string, n)
	for i := range n {
		// Decoded from the wire, as the watcher has them.
		inv, err := device.Decode(must(json.Marshal(devicetest.Node(fmt.Sprintf("node-%d", i), 8, 81920))))
		if err != nil {
			panic(err)
		}
		invs = append(invs, inv)
		names[i] = inv.Node
		a := allocation.New(inv.Node)
		c := allocation.Container{Name: "app"}
		for d := range inv.Devices {
			if k := int64((i*7 + d*3) % 9); k > 0 {
				c.Devices = append(c.Devices, allocation.Device{Vendor: "nvidia", ID: inv.Devices[d].ID, Index: d,
					MemoryMiB: k * 8000, Cores: int32(k * 10), Mode: device.ModeHAMiCore})
			}
		}
		a.Containers = []allocation.Container{c}
		index.Set(&usage.Pod{UID: types.UID(fmt.Sprintf("busy-%d", i)), Namespace: "default", Name: fmt.Sprintf("busy-%d", i), Allocation: a})
	}
	return snapshotFleet{inventory.SnapshotOf(invs[0].PublishedAt, invs...)}, index, names
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

type snapshotFleet struct{ s inventory.Snapshot }

func (f snapshotFleet) View() extender.FleetView { return f.s }

// BenchmarkFilterPrioritize is one scheduling cycle of the extender for a
// single-GPU pod against 5,000 nodes x 8 GPUs, as kube-scheduler drives it
// with node names: filter over every node, then prioritize over those that
// passed, each answer written as the JSON the HTTP handler sends (the
// request's decoding is not part of it). It reports the p50 and p99 of the
// cycle in milliseconds. Filter keeps every node that fits (WeightedNodes),
// the costlier choice: under BestNodes, kube-scheduler asks for priorities
// only among tied best nodes.
func BenchmarkFilterPrioritize(b *testing.B) {
	f, index, names := benchFleet(5000)
	st, err := settings.Load("")
	if err != nil {
		b.Fatal(err)
	}
	pod := gpuPod("p", 3000, 30, nil)
	s, err := extender.New(extender.Deps{Fleet: f, Settings: st, Index: index, Pods: newPods(pod), Binder: newBinder(),
		NodeChoice: extender.WeightedNodes})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// What filter lets through, as kube-scheduler reads it from the answer;
	// this also fills the index's per-node caches, as a running scheduler
	// has them.
	res := s.Filter(ctx, args(pod, names...))
	if res.Error != "" || len(*res.NodeNames) < 2 {
		b.Fatalf("filter: %q, %d nodes passed", res.Error, len(*res.NodeNames))
	}
	passed := *res.NodeNames
	s.Prioritize(ctx, args(pod, passed...))
	podOf := func() (*corev1.Pod, error) { return pod, nil }
	var filterOut, prioOut []byte
	cycle := func() time.Duration {
		start := time.Now()
		filterOut = s.AppendFilter(ctx, filterOut[:0], pod, names)
		prioOut = s.AppendPrioritize(prioOut[:0], pod.UID, passed, podOf)
		return time.Since(start)
	}
	took := make([]time.Duration, 0, b.N)
	// The fleet's construction left tens of megabytes of garbage; collect
	// it now so that a collection it sets off does not land in the first
	// cycles (at the few kilobytes a cycle leaves, the cycles alone set off
	// one every several thousand). Then warm up as a running scheduler is:
	// the collection emptied the pools the cycle reuses.
	runtime.GC()
	for range 20 {
		cycle()
	}
	b.ReportAllocs()
	for b.Loop() {
		took = append(took, cycle())
	}
	if !bytes.Contains(filterOut, []byte(`"node-1"`)) || !bytes.Contains(prioOut, []byte(`"Score":10`)) {
		b.Fatalf("unexpected answers: filter %.200s..., prioritize %.200s...", filterOut, prioOut)
	}
	slices.Sort(took)
	b.ReportMetric(ms(percentile(took, 0.50)), "p50-ms")
	b.ReportMetric(ms(percentile(took, 0.99)), "p99-ms")
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
