package mlunode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/common/sdkerr"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

// Handles are what CNDev needs to find an sMLU instance again, kept in the
// partition checkpoint.
type Handles struct {
	Card     int    `json:"card"`
	Handle   int    `json:"handle"`
	Instance int    `json:"instance"`
	Node     string `json:"node"`
	Cores    int    `json:"cores"`
	MemMiB   int    `json:"memoryMiB"`
}

// Driver makes and destroys sMLU instances through CNDev for the kit's
// partition manager.
type Driver struct {
	lib sdk.Library
}

var _ partition.Driver = (*Driver)(nil)

// NewDriver returns a Driver over lib.
func NewDriver(lib sdk.Library) *Driver { return &Driver{lib: lib} }

// ProfileName names an sMLU shape, e.g. "smlu-30c-10240m".
func ProfileName(spec sdk.PartitionSpec) string {
	return "smlu-" + strconv.Itoa(spec.CorePercent) + "c-" + strconv.Itoa(spec.MemoryMiB) + "m"
}

// Create returns the partition.Create that makes an sMLU instance of spec
// on card; the instance's ID is its UUID. CNDev itself refuses an instance
// the card's free cores or memory cannot hold, so two creates never share
// a card's capacity, whatever the other live instances are.
func (d *Driver) Create(card int, spec sdk.PartitionSpec) partition.Create {
	return func(context.Context, []partition.Instance) (partition.Instance, error) {
		p, err := d.lib.CreatePartition(card, spec)
		if err != nil {
			return partition.Instance{}, fmt.Errorf("create sMLU instance %s on card %d: %w", ProfileName(spec), card, err)
		}
		data, err := json.Marshal(Handles{
			Card: card, Handle: p.Handle, Instance: p.InstanceID, Node: p.DeviceNode,
			Cores: p.CorePercent, MemMiB: p.MemoryMiB,
		})
		if err != nil {
			return partition.Instance{}, errors.Join(err, d.lib.DestroyPartition(card, p.Handle))
		}
		return partition.Instance{ID: p.UUID, Profile: ProfileName(spec), Data: data}, nil
	}
}

// Destroy implements partition.Driver; an instance already gone counts as
// destroyed.
func (d *Driver) Destroy(_ context.Context, in partition.Instance) error {
	h, err := HandlesOf(in)
	if err != nil {
		return err
	}
	err = d.lib.DestroyPartition(h.Card, h.Handle)
	if errors.Is(err, sdkerr.ErrNotFound) {
		return nil
	}
	return err
}

// HandlesOf reads an instance's handles from the checkpoint.
func HandlesOf(in partition.Instance) (Handles, error) {
	return partition.DataOf[Handles](in, "sMLU instance")
}
