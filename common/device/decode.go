package device

import (
	"encoding/json"

	"github.com/hami-project/hami/common/codec"
)

// decodeStrict decodes an inventory strictly; one from a newer plugin is
// reported by its version rather than as a list of unknown fields.
func decodeStrict(data []byte, inv *NodeInventory) error {
	return codec.DecodeVersioned(data, inv, APIVersionV1, codec.StrictJSON, func() string { return inv.APIVersion })
}

// Encode returns the inventory's wire form.
func (inv *NodeInventory) Encode() ([]byte, error) {
	return json.Marshal(inv)
}
