package policy

import "github.com/hami-project/hami/common/device"

// exhaustiveLimit bounds the subsets pickLinked scores one by one; above it,
// a greedy search from every start is used.
const exhaustiveLimit = 5000

// pickLinked chooses n of the candidates (already in policy order) whose
// pairwise link scores add up highest; among equals, the earliest in policy
// order wins.
func pickLinked(inv *device.NodeInventory, cands []Choice, n int) []Choice {
	if n == 1 {
		return cands[:1]
	}
	if binomial(len(cands), n) <= exhaustiveLimit {
		return bestSubset(inv, cands, n)
	}
	return greedyLinked(inv, cands, n)
}

func linkScore(inv *device.NodeInventory, a, b Choice) int64 {
	return int64(inv.Devices[a.Device].Links[inv.Devices[b.Device].ID])
}

func setScore(inv *device.NodeInventory, set []Choice) int64 {
	var s int64
	for i := range set {
		for j := i + 1; j < len(set); j++ {
			s += linkScore(inv, set[i], set[j])
		}
	}
	return s
}

func bestSubset(inv *device.NodeInventory, cands []Choice, n int) []Choice {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	var best []Choice
	bestScore := int64(-1)
	set := make([]Choice, n)
	for {
		for i, j := range idx {
			set[i] = cands[j]
		}
		if s := setScore(inv, set); s > bestScore {
			bestScore, best = s, append(best[:0], set...)
		}
		if !nextCombination(idx, len(cands)) {
			return best
		}
	}
}

// nextCombination advances idx to the next n-subset of [0,total) in
// lexicographic order.
func nextCombination(idx []int, total int) bool {
	n := len(idx)
	i := n - 1
	for i >= 0 && idx[i] == total-n+i {
		i--
	}
	if i < 0 {
		return false
	}
	idx[i]++
	for j := i + 1; j < n; j++ {
		idx[j] = idx[j-1] + 1
	}
	return true
}

func greedyLinked(inv *device.NodeInventory, cands []Choice, n int) []Choice {
	var best []Choice
	bestScore := int64(-1)
	for start := range cands {
		set := []Choice{cands[start]}
		used := map[int]bool{start: true}
		for len(set) < n {
			pick, pickGain := -1, int64(-1)
			for j, c := range cands {
				if used[j] {
					continue
				}
				var gain int64
				for _, s := range set {
					gain += linkScore(inv, s, c)
				}
				if gain > pickGain {
					pick, pickGain = j, gain
				}
			}
			used[pick] = true
			set = append(set, cands[pick])
		}
		if s := setScore(inv, set); s > bestScore {
			best, bestScore = set, s
		}
	}
	return best
}

func binomial(n, k int) int {
	if k > n {
		return 0
	}
	r := 1
	for i := 1; i <= k; i++ {
		r = r * (n - k + i) / i
		if r > exhaustiveLimit {
			return r
		}
	}
	return r
}
