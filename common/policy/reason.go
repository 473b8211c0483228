package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Code says why a device or a node cannot take a request.
type Code uint8

// Reasons, per device first, then per node.
const (
	Unhealthy Code = iota + 1
	TypeNotIncluded
	TypeExcluded
	UUIDNotIncluded
	UUIDExcluded
	ModeUnsupported
	ModeConflict
	HeldExclusively
	NotIdle
	NoTenantSlot
	InsufficientMemory
	InsufficientCores
	NoProfile
	// Node-level reasons.
	TooFewDevices
	NUMASplit
	NoInventory
)

var codeText = map[Code]string{
	Unhealthy:          "unhealthy",
	TypeNotIncluded:    "model not in use-type list",
	TypeExcluded:       "model excluded by nouse-type",
	UUIDNotIncluded:    "uuid not in use-uuid list",
	UUIDExcluded:       "uuid excluded by nouse-uuid",
	ModeUnsupported:    "mode not supported",
	ModeConflict:       "in use in another mode",
	HeldExclusively:    "held exclusively by another pod",
	NotIdle:            "shared, cannot be given exclusively",
	NoTenantSlot:       "no tenant slot left",
	InsufficientMemory: "insufficient memory",
	InsufficientCores:  "insufficient cores",
	NoProfile:          "no free partition profile fits",
	TooFewDevices:      "too few fitting devices",
	NUMASplit:          "no NUMA node has enough fitting devices",
	NoInventory:        "no inventory",
}

// String is the human form of the code.
func (c Code) String() string {
	if s, ok := codeText[c]; ok {
		return s
	}
	return fmt.Sprintf("code(%d)", uint8(c))
}

// Reason is why one device cannot take the request.
type Reason struct {
	Code   Code
	Device string
	// Want and Have qualify quantity reasons (MiB, percent, slots).
	Want, Have int64
	// Detail names the mode or model for reasons that concern one.
	Detail string
}

// String reads like "GPU-ab12 insufficient memory: want 3000 MiB, free 2048 MiB".
func (r Reason) String() string {
	s := r.Device + " " + r.Code.String()
	switch r.Code {
	case InsufficientMemory:
		s += fmt.Sprintf(": want %d MiB, free %d MiB", r.Want, r.Have)
	case InsufficientCores:
		s += fmt.Sprintf(": want %d%%, free %d%%", r.Want, r.Have)
	case NoTenantSlot:
		s += fmt.Sprintf(": %d of %d tenants", r.Have, r.Want)
	case NoProfile:
		s += fmt.Sprintf(": want %d MiB", r.Want)
	}
	if r.Detail != "" {
		s += " (" + r.Detail + ")"
	}
	return s
}

// Unfit explains why a node cannot take a request.
type Unfit struct {
	Vendor string
	// Code is the node-level reason; Reasons hold one entry per device
	// that was rejected.
	Code       Code
	Want, Have int64
	Reasons    []Reason
}

// Error summarises: the node-level reason, then the device reasons grouped,
// most frequent first. A reason of one device names it ("GPU-ab12
// insufficient memory: want 3000 MiB, free 2048 MiB"); a reason shared by
// several names no device ("insufficient memory on 8 devices: want 3000
// MiB, at most 2048 MiB free"), so that kube-scheduler, which counts nodes
// per identical message, folds a fleet of similar nodes into one line.
func (u *Unfit) Error() string {
	var b strings.Builder
	if u.Code != 0 {
		fmt.Fprintf(&b, "%s %s", u.Vendor, u.Code)
		if u.Code == TooFewDevices {
			fmt.Fprintf(&b, ": want %d, %d fit", u.Want, u.Have)
		}
	}
	for _, g := range groupReasons(u.Reasons) {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		if g.count == 1 {
			b.WriteString(g.first.String())
		} else {
			b.WriteString(g.summary())
		}
	}
	return b.String()
}

type reasonGroup struct {
	first Reason
	count int
	// most is the largest Have in the group: the best any device offers.
	most int64
}

func (g reasonGroup) summary() string {
	s := fmt.Sprintf("%s on %d devices", g.first.Code, g.count)
	switch g.first.Code {
	case InsufficientMemory:
		s += fmt.Sprintf(": want %d MiB, at most %d MiB free", g.first.Want, g.most)
	case InsufficientCores:
		s += fmt.Sprintf(": want %d%%, at most %d%% free", g.first.Want, g.most)
	case NoProfile:
		s += fmt.Sprintf(": want %d MiB", g.first.Want)
	}
	if g.first.Detail != "" {
		s += " (" + g.first.Detail + ")"
	}
	return s
}

func groupReasons(rs []Reason) []reasonGroup {
	var groups []reasonGroup
	idx := map[Code]int{}
	for _, r := range rs {
		if i, ok := idx[r.Code]; ok {
			groups[i].count++
			groups[i].most = max(groups[i].most, r.Have)
			continue
		}
		idx[r.Code] = len(groups)
		groups = append(groups, reasonGroup{first: r, count: 1, most: r.Have})
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].count > groups[j].count })
	return groups
}
