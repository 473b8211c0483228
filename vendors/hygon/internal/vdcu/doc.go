// Package vdcu owns Hygon's virtual DCUs as HAMi makes them: a container's
// share of one card is a set of the card's compute units (a CU mask) and a
// memory cap, written to a config file (vdev0.conf) that the DTK runtime
// in the container reads. It picks CU masks so that no two live vDCUs on a
// card share a CU, encodes the config file, and is the partition.Driver
// that makes and removes a container's config directory.
package vdcu
