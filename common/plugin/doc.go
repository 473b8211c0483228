// Package plugin owns the device-plugin plumbing every vendor module shares:
// the kubelet device-plugin gRPC server and its registration (re-registering
// when the kubelet restarts), virtual device IDs, finding the pod an Allocate
// call is for from the scheduler's allocation annotation, reporting the bind
// phase, and publishing the node inventory over NATS. A vendor supplies only
// what is vendor-specific: its devices and the answer for one container.
package plugin
