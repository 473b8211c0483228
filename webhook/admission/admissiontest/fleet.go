// Package admissiontest provides a fake Fleet for tests of the admitter and
// of what is built on it.
package admissiontest

import (
	"sync/atomic"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/webhook/admission"
)

// Fleet is a Fleet over inventories the test sets.
type Fleet struct {
	s atomic.Pointer[admission.FleetSummary]
}

var _ admission.Fleet = (*Fleet)(nil)

// NewFleet returns a fleet of the given inventories.
func NewFleet(invs ...*device.NodeInventory) *Fleet {
	f := &Fleet{}
	f.Set(invs...)
	return f
}

// Set replaces the fleet's inventories.
func (f *Fleet) Set(invs ...*device.NodeInventory) { f.s.Store(admission.Summarize(invs)) }

// Summary implements admission.Fleet.
func (f *Fleet) Summary() *admission.FleetSummary { return f.s.Load() }
