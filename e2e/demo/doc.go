// Package demo owns `make demo`: a real control plane with hami-scheduler,
// hami-webhook and a fleet of NVIDIA nodes whose plugins are the real
// hami-nvidia-plugin binaries on fake backends, the sample workload of
// examples/ submitted through the API, and the placement table printed.
package demo
