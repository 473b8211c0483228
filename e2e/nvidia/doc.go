// Package nvidia holds the end-to-end tests of the NVIDIA device plugin
// (vendors/nvidia) on the harness: the plugin binary with its fake dgxh100
// backend registers with the real kubelet and with simulated nodes, answers
// Allocate for pods carrying the scheduler's allocation, and publishes its
// inventory over NATS.
package nvidia
