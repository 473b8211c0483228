package device

import (
	"encoding/json"
	"fmt"

	"github.com/hami-project/hami/common/codec"
)

// decodeStrict checks the schema version before decoding, so that an
// inventory from a newer plugin is reported as such rather than as a list of
// unknown fields.
func decodeStrict(data []byte, inv *NodeInventory) error {
	h, err := codec.PeekHeader(data)
	if err != nil {
		return err
	}
	if h.APIVersion != APIVersionV1 {
		return fmt.Errorf("apiVersion %q is not supported (supported: %s)", h.APIVersion, APIVersionV1)
	}
	return codec.StrictJSON(data, inv)
}

// Encode returns the inventory's wire form.
func (inv *NodeInventory) Encode() ([]byte, error) {
	return json.Marshal(inv)
}
