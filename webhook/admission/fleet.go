package admission

import (
	"slices"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/policy"
)

// Fleet tells the admitter what the plugins of the fleet publish.
type Fleet interface {
	// Summary returns the current summary. It returns the same pointer
	// while nothing changed, which lets the admitter cache what it derives.
	Summary() *FleetSummary
}

// FleetSummary is an immutable digest of the fresh inventories.
type FleetSummary struct {
	// Published holds one inventory per vendor (the first in key order):
	// its resource names are what the vendor's plugins answer to.
	Published []*device.NodeInventory
	// LargestMemoryMiB is, per vendor, the memory capacity of its largest
	// device, memory scaling included (the scheduler may hand out that much).
	LargestMemoryMiB map[string]int64
	// Models lists, per vendor, the device models seen, sorted.
	Models map[string][]string
	// Modes lists, per vendor, the device modes offered, sorted.
	Modes map[string][]string
}

// Summarize digests inventories (in key order, as the watcher lists them).
func Summarize(invs []*device.NodeInventory) *FleetSummary {
	s := &FleetSummary{LargestMemoryMiB: map[string]int64{}, Models: map[string][]string{}, Modes: map[string][]string{}}
	seen := map[string]bool{}
	for _, inv := range invs {
		if !seen[inv.Vendor] {
			seen[inv.Vendor] = true
			s.Published = append(s.Published, inv)
		}
		for i := range inv.Devices {
			d := &inv.Devices[i]
			s.LargestMemoryMiB[inv.Vendor] = max(s.LargestMemoryMiB[inv.Vendor], d.MemoryCapacityMiB(inv.Scaling))
			if d.Type != "" && !slices.Contains(s.Models[inv.Vendor], d.Type) {
				s.Models[inv.Vendor] = append(s.Models[inv.Vendor], d.Type)
			}
			for _, m := range d.Modes {
				if !slices.Contains(s.Modes[inv.Vendor], m) {
					s.Modes[inv.Vendor] = append(s.Modes[inv.Vendor], m)
				}
			}
		}
	}
	for _, m := range s.Models {
		slices.Sort(m)
	}
	for _, m := range s.Modes {
		slices.Sort(m)
	}
	return s
}

// OffersMode reports whether some device of the vendor offers mode; ok is
// false while the fleet has no device of that vendor.
func (s *FleetSummary) OffersMode(vendor, mode string) (offered, ok bool) {
	modes := s.Modes[vendor]
	return slices.Contains(modes, mode), len(modes) > 0
}

// Largest returns the memory of the vendor's largest device; false while
// the fleet has no device of that vendor.
func (s *FleetSummary) Largest(vendor string) (int64, bool) {
	v, ok := s.LargestMemoryMiB[vendor]
	return v, ok && v > 0
}

// KnowsModel reports whether some device of the vendor matches model the way
// the scheduler matches use-gputype: a case-insensitive substring, so "A100"
// selects "NVIDIA A100-SXM4-80GB". ok is false while the fleet has no model
// of that vendor, when nothing can be said.
func (s *FleetSummary) KnowsModel(vendor, model string) (known, ok bool) {
	models := s.Models[vendor]
	if len(models) == 0 {
		return false, false
	}
	for _, m := range models {
		if policy.MatchesModel([]string{model}, m) {
			return true, true
		}
	}
	return false, true
}
