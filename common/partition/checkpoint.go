package partition

import (
	"encoding/json"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/codec"
)

// Schema of the checkpoint file.
const (
	APIVersionV1 = "partitions.hami.io/v1"
	Kind         = "Partitions"
)

// Instance is one partition made for a container.
type Instance struct {
	// Device is the id of the physical device the partition is cut from.
	Device string `json:"device"`
	// ID is the vendor's id of the partition (MIG UUID, sMLU instance,
	// vNPU id, sGPU id); what the container is given.
	ID string `json:"id"`
	// Profile is the partition's profile or template name, when it has one.
	Profile   string    `json:"profile,omitempty"`
	Pod       types.UID `json:"pod"`
	Container string    `json:"container"`
	Created   time.Time `json:"created"`
	// Data holds what the vendor needs to find and destroy the partition
	// later (e.g. MIG's GPU and compute instance ids), in its own shape.
	Data json.RawMessage `json:"data,omitempty"`
}

// Checkpoint is the file that remembers instances across plugin restarts.
type Checkpoint struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Vendor says whose partitions these are, so two vendors' plugins
	// pointed at one state directory by mistake do not destroy each
	// other's.
	Vendor    string     `json:"vendor"`
	Instances []Instance `json:"instances"`
}

// Decode reads a checkpoint. It is lenient: the file is stored state that
// outlives upgrades, and a newer plugin's extra fields must not make an
// older one forget live partitions after a rollback.
func Decode(data []byte) (*Checkpoint, error) {
	h, err := codec.PeekHeader(data)
	if err != nil {
		return nil, err
	}
	if h.APIVersion != APIVersionV1 || h.Kind != Kind {
		return nil, fmt.Errorf("%s/%s is not supported (want %s/%s)", h.APIVersion, h.Kind, APIVersionV1, Kind)
	}
	c := &Checkpoint{}
	if err := codec.LenientJSON(data, c); err != nil {
		return nil, err
	}
	return c, nil
}
