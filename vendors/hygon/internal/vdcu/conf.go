package vdcu

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// File names and paths of the container contract.
const (
	// ConfigFile is the vDCU's config file name.
	ConfigFile = "vdev0.conf"
	// ContainerDir is where the container sees the config directory.
	ContainerDir = "/etc/vdev/docker"
	// ConfigVersion is the format version written in the file.
	ConfigVersion = 1
)

// Config is one vDCU as the container's runtime reads it from
// vdev0.conf: "key: value" lines, one key per line, "#" comments.
// Readers must ignore keys they do not know (later versions may add some).
type Config struct {
	// DeviceID is the card's index on the host (its DRM card is
	// /dev/dri/card<DeviceID's minor>, the one device the container sees).
	DeviceID int
	// PCIBusID is the card's PCI address, e.g. 0000:10:00.0.
	PCIBusID string
	// UUID is the card's HAMi id.
	UUID string
	// Mask is the CUs the vDCU may run on; CUCount is how many.
	Mask Mask
	// MemLimit is the device memory cap in bytes.
	MemLimit uint64
}

// Keys of the file, in the order written.
const (
	keyVersion  = "version"
	keyDeviceID = "device_id"
	keyBusID    = "pci_bus_id"
	keyUUID     = "dcu_uuid"
	keyCUCount  = "cu_count"
	keyCUMask   = "cu_mask"
	keyMemLimit = "mem_limit"
)

// Encode writes the file.
func (c Config) Encode() []byte {
	var b bytes.Buffer
	b.WriteString("# vDCU written by hami-hygon-plugin: the DTK runtime limits this container to these CUs and memory (bytes)\n")
	for _, kv := range [][2]string{
		{keyVersion, strconv.Itoa(ConfigVersion)},
		{keyDeviceID, strconv.Itoa(c.DeviceID)},
		{keyBusID, c.PCIBusID},
		{keyUUID, c.UUID},
		{keyCUCount, strconv.Itoa(c.Mask.Count())},
		{keyCUMask, c.Mask.String()},
		{keyMemLimit, strconv.FormatUint(c.MemLimit, 10)},
	} {
		fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
	}
	return b.Bytes()
}

// DecodeConfig reads a file written by Encode. Unknown keys are skipped
// (a newer plugin may add some); a missing key, a repeated one, a version
// other than 1 or a cu_count that disagrees with cu_mask is an error.
func DecodeConfig(data []byte) (Config, error) {
	kv, err := keyValues(data)
	if err != nil {
		return Config{}, err
	}
	for _, k := range []string{keyVersion, keyDeviceID, keyBusID, keyUUID, keyCUCount, keyCUMask, keyMemLimit} {
		if _, ok := kv[k]; !ok {
			return Config{}, fmt.Errorf("vdev config: %s is missing", k)
		}
	}
	if kv[keyVersion] != strconv.Itoa(ConfigVersion) {
		return Config{}, fmt.Errorf("vdev config: version %q is not supported (want %d)", kv[keyVersion], ConfigVersion)
	}
	c := Config{PCIBusID: kv[keyBusID], UUID: kv[keyUUID]}
	var count int
	err = errors.Join(
		field(kv, keyDeviceID, func(v string) (err error) { c.DeviceID, err = strconv.Atoi(v); return err }),
		field(kv, keyCUCount, func(v string) (err error) { count, err = strconv.Atoi(v); return err }),
		field(kv, keyCUMask, func(v string) (err error) { c.Mask, err = ParseMask(v); return err }),
		field(kv, keyMemLimit, func(v string) (err error) { c.MemLimit, err = strconv.ParseUint(v, 10, 64); return err }),
	)
	if err != nil {
		return Config{}, fmt.Errorf("vdev config: %w", err)
	}
	if count != c.Mask.Count() {
		return Config{}, fmt.Errorf("vdev config: cu_count %d but cu_mask %s holds %d", count, c.Mask, c.Mask.Count())
	}
	return c, nil
}

// field parses key's value with parse, naming the key when it fails.
func field(kv map[string]string, key string, parse func(string) error) error {
	if err := parse(kv[key]); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// keyValues splits "key: value" lines, skipping blanks and comments.
func keyValues(data []byte) (map[string]string, error) {
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("vdev config line %d: want key: value", n)
		}
		k = strings.TrimSpace(k)
		if _, dup := kv[k]; dup {
			return nil, fmt.Errorf("vdev config line %d: %s given twice", n, k)
		}
		kv[k] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("vdev config: %w", err)
	}
	return kv, nil
}
