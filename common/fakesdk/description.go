package fakesdk

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"

	"github.com/hami-project/hami/common/codec"
)

// KindSystem is the kind of every description file.
const KindSystem = "FakeSystem"

// Description is what a description file must offer: its header, and a
// check of its fields that names the field and the fix.
type Description interface {
	Header() codec.Header
	Validate() error
}

// Load reads the description file at path into d (YAML or JSON, decoded
// strictly: it is user input) and checks its header is apiVersion/FakeSystem.
func Load(path, apiVersion string, d Description) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read fake description %s: %w", path, err)
	}
	if err := Decode(data, apiVersion, d); err != nil {
		return fmt.Errorf("fake description %s: %w", path, err)
	}
	return nil
}

// UUID is a stable identity for device index of the fake seeded by seed
// (the node name, so ids differ per node and survive restarts), formatted
// as prefix + a UUID-shaped hex string.
func UUID(prefix, seed string, index int) string {
	sum := sha256.Sum256([]byte(seed + "/" + strconv.Itoa(index)))
	h := hex.EncodeToString(sum[:16])
	return prefix + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Serial is a stable serial number of the same kind as UUID.
func Serial(prefix, seed string, index int) string {
	sum := sha256.Sum256([]byte("serial/" + seed + "/" + strconv.Itoa(index)))
	return prefix + hex.EncodeToString(sum[:6])
}

// LoadFile is Load into a fresh D, for a vendor's LoadDescription: the
// description at path, or the zero D and the error.
func LoadFile[D any, P interface {
	*D
	Description
}](path, apiVersion string) (D, error) {
	var d D
	if err := Load(path, apiVersion, P(&d)); err != nil {
		var zero D
		return zero, err
	}
	return d, nil
}
