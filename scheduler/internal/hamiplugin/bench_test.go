package hamiplugin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/hamiplugin"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// benchFleet is the extender benchmark's fleet: n nodes of 8 GPUs of 80 GiB,
// decoded from the wire as the watcher has them, each with one pod holding
// k*8000 MiB and k*10% of GPU d (k = (i*7+d*3) mod 9); and a NodeInfo per
// node, as kube-scheduler's snapshot hands them to the plugin.
func benchFleet(b *testing.B, n int) (extender.Fleet, *usage.Index, []fwk.NodeInfo) {
	b.Helper()
	var invs []*device.NodeInventory
	index := usage.NewIndex()
	nodes := make([]fwk.NodeInfo, n)
	for i := range n {
		raw, err := json.Marshal(devicetest.Node(fmt.Sprintf("node-%d", i), 8, 81920))
		if err != nil {
			b.Fatal(err)
		}
		inv, err := device.Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		invs = append(invs, inv)
		c := allocation.Container{Name: "app"}
		for d := range inv.Devices {
			if k := int64((i*7 + d*3) % 9); k > 0 {
				c.Devices = append(c.Devices, allocation.Device{Vendor: "nvidia", ID: inv.Devices[d].ID, Index: d,
					MemoryMiB: k * 8000, Cores: int32(k * 10), Mode: device.ModeHAMiCore})
			}
		}
		a := allocation.New(inv.Node)
		a.Containers = []allocation.Container{c}
		busy := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{UID: types.UID(fmt.Sprintf("busy-%d", i)), Namespace: "default", Name: fmt.Sprintf("busy-%d", i)},
			Spec: corev1.PodSpec{NodeName: inv.Node}}
		index.Set(&usage.Pod{UID: busy.UID, Namespace: "default", Name: busy.Name, Allocation: a, Bound: true})
		ni := framework.NewNodeInfo(busy)
		ni.SetNode(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: inv.Node}})
		nodes[i] = ni
	}
	return snapshotFleet{inventory.SnapshotOf(invs[0].PublishedAt, invs...)}, index, nodes
}

type snapshotFleet struct{ s inventory.Snapshot }

func (f snapshotFleet) View() extender.FleetView { return f.s }

type noPods struct{}

func (noPods) Pod(context.Context, string, string) (*corev1.Pod, error) { return nil, nil }

type noBinder struct{}

func (noBinder) Bind(context.Context, *corev1.Pod, string, *allocation.Allocation, time.Time) error {
	return nil
}

// parallelism is kube-scheduler's default: 16 goroutines filter and score.
const parallelism = 16

// until runs fn over [0,n) on parallelism workers taking chunks from a
// shared counter, as kube-scheduler's parallelizer does.
func until(n int, fn func(i int)) {
	chunk := max(1, n/(parallelism*4))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range parallelism {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkFilterScore is one scheduling cycle of the plugin for a
// single-GPU pod against 5,000 nodes x 8 GPUs, as kube-scheduler drives it:
// PreFilter, Filter on every node (16 workers), PreScore, Score on every
// node that passed (16 workers), NormalizeScore. kube-scheduler's own
// plugins and its percentageOfNodesToScore (which would stop after a few
// hundred nodes) are not part of it. It reports the p50 and p99 of the
// cycle in milliseconds.
func BenchmarkFilterScore(b *testing.B) {
	f, index, nodes := benchFleet(b, 5000)
	st, err := settings.Load("")
	if err != nil {
		b.Fatal(err)
	}
	s, err := extender.New(extender.Deps{Fleet: f, Settings: st, Index: index, Pods: noPods{}, Binder: noBinder{},
		NodeChoice: extender.WeightedNodes})
	if err != nil {
		b.Fatal(err)
	}
	p, err := hamiplugin.New(s, hamiplugin.NewWaiting(), extender.WeightedNodes)
	if err != nil {
		b.Fatal(err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: "uid-p"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
			"nvidia.com/gpu": resource.MustParse("1"), "nvidia.com/gpumem": resource.MustParse("3000"), "nvidia.com/gpucores": resource.MustParse("30"),
		}}}}},
	}
	ctx := context.Background()
	fits := make([]bool, len(nodes))
	scores := make(fwk.NodeScoreList, len(nodes))
	var passed int
	cycle := func() time.Duration {
		start := time.Now()
		cs := framework.NewCycleState()
		if _, st := p.PreFilter(ctx, cs, pod, nodes); !st.IsSuccess() {
			b.Fatal(st.Message())
		}
		until(len(nodes), func(i int) { fits[i] = p.Filter(ctx, cs, pod, nodes[i]).IsSuccess() })
		feasible := make([]fwk.NodeInfo, 0, len(nodes))
		for i, ok := range fits {
			if ok {
				feasible = append(feasible, nodes[i])
			}
		}
		if st := p.PreScore(ctx, cs, pod, feasible); !st.IsSuccess() {
			b.Fatal(st.Message())
		}
		list := scores[:len(feasible)]
		until(len(feasible), func(i int) {
			v, _ := p.Score(ctx, cs, pod, feasible[i])
			list[i] = fwk.NodeScore{Name: feasible[i].Node().Name, Score: v}
		})
		_ = p.NormalizeScore(ctx, cs, pod, list)
		passed = len(feasible)
		return time.Since(start)
	}
	runtime.GC()
	for range 20 {
		cycle()
	}
	if passed < 2 {
		b.Fatalf("%d of %d nodes passed", passed, len(nodes))
	}
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for b.Loop() {
		took = append(took, cycle())
	}
	slices.Sort(took)
	b.ReportMetric(ms(took[min(len(took)-1, len(took)/2)]), "p50-ms")
	b.ReportMetric(ms(took[min(len(took)-1, len(took)*99/100)]), "p99-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
