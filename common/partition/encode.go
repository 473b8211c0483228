package partition

import (
	"encoding/json"
	"fmt"
)

func encode(vendor string, instances []Instance) ([]byte, error) {
	if instances == nil {
		instances = []Instance{}
	}
	data, err := json.Marshal(Checkpoint{APIVersion: APIVersionV1, Kind: Kind, Vendor: vendor, Instances: instances})
	if err != nil {
		return nil, fmt.Errorf("encode partition checkpoint: %w", err)
	}
	return data, nil
}
