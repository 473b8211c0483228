package devlib

// Partitioner is a library that cuts a device into partitions (vNPUs, sMLU
// instances, ...): made from a Spec (a template name, a shape), named by an
// ID the driver gives.
type Partitioner[Spec, Partition, ID any] interface {
	// CreatePartition makes a partition of spec on device index; it fails
	// with sdkerr.ErrInsufficient when the device cannot hold it.
	CreatePartition(index int, spec Spec) (Partition, error)
	// DestroyPartition removes partition id from device index.
	DestroyPartition(index int, id ID) error
	// Partitions are the partitions that exist on device index.
	Partitions(index int) ([]Partition, error)
}
