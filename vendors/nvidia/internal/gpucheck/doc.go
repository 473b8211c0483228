// Package gpucheck holds the real-GPU check of the NVIDIA plugin: with
// HAMI_GPU_CHECK=1 its test lists the GPUs through the real NVML and
// validates the inventory built from them. It is compiled here (go test -c)
// and run on a GPU machine.
package gpucheck
