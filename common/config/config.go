package config

import (
	"fmt"
	"os"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/device"
)

// Schema identifiers of the config document.
const (
	APIVersionV1 = "config.hami.io/v1"
	Kind         = "HAMiConfig"
)

// Scheduling policies.
const (
	PolicyBinpack       = "binpack"
	PolicySpread        = "spread"
	PolicyTopologyAware = "topology-aware"
	PolicyNUMA          = "numa"
)

// MIG strategies.
const (
	MigStrategyNone  = "none"
	MigStrategyMixed = "mixed"
)

// Config is the whole configuration document.
type Config struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// DeviceMemoryScaling above 1 oversubscribes device memory.
	DeviceMemoryScaling float64 `json:"deviceMemoryScaling"`
	// DeviceCoreScaling above 1 oversubscribes device compute.
	DeviceCoreScaling float64 `json:"deviceCoreScaling"`
	// DeviceSplitCount is how many tenants may share one device.
	DeviceSplitCount int32  `json:"deviceSplitCount"`
	MigStrategy      string `json:"migStrategy"`
	DisableCoreLimit bool   `json:"disableCoreLimit"`
	// DefaultMem is the memory (MiB) of a request that names none;
	// 0 means the whole device.
	DefaultMem int64 `json:"defaultMem"`
	// DefaultCores is the compute share of a request that names none.
	DefaultCores int32 `json:"defaultCores"`
	// DefaultGPUNum is the device count of a request that asks for memory
	// or cores but no count.
	DefaultGPUNum       int32  `json:"defaultGPUNum"`
	NodeSchedulerPolicy string `json:"nodeSchedulerPolicy"`
	GPUSchedulerPolicy  string `json:"gpuSchedulerPolicy"`
	// Vendors maps a vendor key to its resource and annotation names. An
	// entry replaces that vendor's defaults whole.
	Vendors map[string]device.Resources `json:"vendors,omitempty"`
	// Nodes overrides settings for single nodes.
	Nodes []NodeOverride `json:"nodes,omitempty"`
}

// NodeOverride changes settings for one node; unset fields keep the
// document's value.
type NodeOverride struct {
	Name                string        `json:"name"`
	DeviceMemoryScaling *float64      `json:"deviceMemoryScaling,omitempty"`
	DeviceCoreScaling   *float64      `json:"deviceCoreScaling,omitempty"`
	DeviceSplitCount    *int32        `json:"deviceSplitCount,omitempty"`
	MigStrategy         *string       `json:"migStrategy,omitempty"`
	DisableCoreLimit    *bool         `json:"disableCoreLimit,omitempty"`
	FilterDevices       *DeviceFilter `json:"filterDevices,omitempty"`
}

// DeviceFilter hides devices of a node from scheduling.
type DeviceFilter struct {
	UUIDs   []string `json:"uuids,omitempty"`
	Indexes []int    `json:"indexes,omitempty"`
}

// Default returns the configuration used when no document is given.
func Default() *Config {
	return &Config{
		APIVersion:          APIVersionV1,
		Kind:                Kind,
		DeviceMemoryScaling: 1.0,
		DeviceCoreScaling:   1.0,
		DeviceSplitCount:    10,
		MigStrategy:         MigStrategyNone,
		DefaultGPUNum:       1,
		NodeSchedulerPolicy: PolicyBinpack,
		GPUSchedulerPolicy:  PolicySpread,
		Vendors:             DefaultVendors(),
	}
}

// Decode parses a document (YAML or JSON) strictly on top of the defaults and
// validates it: a field left out keeps its default, a misspelt field or an
// invalid value is an error naming the field.
func Decode(data []byte) (*Config, error) {
	js, err := codec.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c := Default()  // an apiVersion left out keeps the default's
	c.Vendors = nil // decoded entries replace defaults; merged below
	if err := codec.DecodeVersioned(js, c, APIVersionV1, codec.StrictJSON, func() string { return c.APIVersion }); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.Vendors = mergeVendors(DefaultVendors(), c.Vendors)
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// Load reads and decodes the document at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	c, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func mergeVendors(defaults, given map[string]device.Resources) map[string]device.Resources {
	for k, v := range given {
		defaults[k] = v
	}
	return defaults
}
