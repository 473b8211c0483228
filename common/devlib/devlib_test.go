package devlib_test

import (
	"errors"

	"github.com/hami-project/hami/common/devlib"
)

// lib shows the interfaces compose into a vendor's Library.
type lib struct{}

func (lib) Init() error                                 { return nil }
func (lib) Shutdown() error                             { return nil }
func (lib) DeviceCount() (int, error)                   { return 1, nil }
func (lib) Device(int) (string, error)                  { return "d0", nil }
func (lib) Memory(int) (devlib.Memory, error)           { return devlib.Memory{TotalMiB: 1}, nil }
func (lib) Utilization(int) (int, error)                { return 0, nil }
func (lib) CreatePartition(int, string) (string, error) { return "", errors.New("full") }
func (lib) DestroyPartition(int, uint32) error          { return nil }
func (lib) Partitions(int) ([]string, error)            { return nil, nil }

var _ interface {
	devlib.Core[string, devlib.Memory, int]
	devlib.Partitioner[string, string, uint32]
} = lib{}
