package main

import (
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/scheduler/internal/extender"
)

// fleet adapts the inventory watcher to the extender: one snapshot per view.
type fleet struct{ w *inventory.Watcher }

func (f fleet) View() extender.FleetView { return f.w.Snapshot() }
