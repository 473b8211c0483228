package partition

import (
	"fmt"

	"github.com/hami-project/hami/common/codec"
)

// DataOf reads the handles a vendor's driver kept in an instance's Data.
// They are stored state, read leniently: a newer plugin's extra fields
// must not make an older one lose track of a live instance after a
// rollback. what names the instance in the error ("MIG device").
func DataOf[T any](in Instance, what string) (T, error) {
	var v T
	if err := codec.LenientJSON(in.Data, &v); err != nil {
		var zero T
		return zero, fmt.Errorf("%s %s: handles in the checkpoint: %w", what, in.ID, err)
	}
	return v, nil
}
