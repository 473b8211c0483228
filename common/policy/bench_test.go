package policy_test

import (
	"fmt"
	"testing"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/common/request"
)

// fleet builds n nodes of 8 GPUs with varied usage, as the scheduler holds
// them: inventory plus aligned usage.
func fleet(n int) []policy.Node {
	nodes := make([]policy.Node, n)
	for i := range nodes {
		inv := devicetest.Node(fmt.Sprintf("node-%d", i), 8, 81920)
		u := make(policy.NodeUsage, 8)
		for d := range u {
			k := int64((i*7 + d*3) % 9)
			u[d] = policy.DeviceUsage{MemoryMiB: k * 8000, Cores: int32(k * 10), Tenants: int32(k % 4), Mode: device.ModeHAMiCore}
		}
		nodes[i] = policy.Node{{Inventory: inv, Usage: u}}
	}
	return nodes
}

func onePodOneGPU() *request.Pod {
	return &request.Pod{Containers: []request.Container{{Name: "app", Requests: []request.Request{
		{Vendor: "nvidia", Count: 1, MemoryMiB: 3000, Cores: 30},
	}}}}
}

func BenchmarkFit(b *testing.B) {
	for _, n := range []int{1, 5000} {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			nodes := fleet(n)
			r := &policy.Request{Request: onePodOneGPU().Containers[0].Requests[0], Policy: policy.Spread}
			b.ReportAllocs()
			for b.Loop() {
				for _, node := range nodes {
					v := node[0]
					if _, unfit := policy.Fit(v.Inventory, v.Usage, r); unfit != nil {
						b.Fatal(unfit)
					}
				}
			}
		})
	}
}

// BenchmarkScoreNodes is the work of one scheduling cycle for a single-GPU
// pod: fit and score on every node, as the extender does.
func BenchmarkScoreNodes(b *testing.B) {
	for _, n := range []int{1, 5000} {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			nodes := fleet(n)
			pod := onePodOneGPU()
			b.ReportAllocs()
			for b.Loop() {
				for _, node := range nodes {
					if _, unfit := policy.Evaluate(node, pod, policy.Spread, policy.Binpack); unfit != nil {
						b.Fatal(unfit)
					}
				}
			}
		})
	}
}

// BenchmarkPlaceNodes is the same cycle through FitPod and Score, the path a
// pod with several containers or devices takes.
func BenchmarkPlaceNodes(b *testing.B) {
	nodes := fleet(5000)
	pod := onePodOneGPU()
	b.ReportAllocs()
	for b.Loop() {
		for _, node := range nodes {
			p, unfit := policy.FitPod(node, pod, policy.Spread)
			if unfit != nil {
				b.Fatal(unfit)
			}
			policy.Score(node, p, policy.Binpack)
		}
	}
}
