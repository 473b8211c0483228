package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/sdkerr"
)

// The sGPU partition model (inferred; the toolkit is closed).
const (
	// MemoryUnitMiB is the size of one sGPU memory unit.
	MemoryUnitMiB = 512
	// CoreGroups is how many core groups a device's compute is split into.
	CoreGroups = 16
	// MaxActivePerDevice is how many sGPUs one device holds at most: one
	// per core group.
	MaxActivePerDevice = CoreGroups
)

// MemoryUnits are the only sGPU memory sizes the driver accepts, in
// MemoryUnitMiB units.
func MemoryUnits() []int { return []int{2, 4, 8, 16, 32, 64, 96} }

// ValidateMemoryUnits refuses a size the driver cannot make, naming the
// sizes it can.
func ValidateMemoryUnits(units int) error {
	if slices.Contains(MemoryUnits(), units) {
		return nil
	}
	return fmt.Errorf("%w: sGPU memory of %d units of %d MiB: use one of %v",
		sdkerr.ErrInvalidArgument, units, MemoryUnitMiB, MemoryUnits())
}

// ValidateCoreGroups refuses a compute share outside 0..CoreGroups (0 means
// no reserved core group: the sGPU shares what is left).
func ValidateCoreGroups(groups int) error {
	if groups < 0 || groups > CoreGroups {
		return fmt.Errorf("%w: sGPU compute of %d core groups: use 0..%d", sdkerr.ErrInvalidArgument, groups, CoreGroups)
	}
	return nil
}
