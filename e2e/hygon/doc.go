// Package hygone2e holds the end-to-end tests of the Hygon DCU device
// plugin (vendors/hygon) on the real kubelet node: the plugin binary with
// its fake Z100 backend registers with the kubelet, makes vDCUs for pods
// carrying the scheduler's allocation, and keeps or removes them across a
// restart. The harness's probe reports, from inside each container, its
// device files, mounts and vDCU config.
package hygone2e
