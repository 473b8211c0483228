// Package cambricon holds the end-to-end tests of the Cambricon device
// plugin (vendors/cambricon) on the harness's real kubelet node: the plugin
// binary with its fake MLU370-X8 registers with the kubelet, makes an sMLU
// instance for each fractional pod (in the fake driver, whose device files
// live under --dev-root), hands the container exactly its device files,
// and keeps or removes instances across a restart as their pods live or go.
package cambricon
