// Package request owns turning a pod spec into vendor-neutral device
// requests: which vendor, how many devices, how much memory and compute per
// container, and the pod's placement preferences from its annotations.
package request
