// Package simnode simulates kubelets so a test can have thousands of nodes
// in one process. Each simulated node has a Node object (Ready, with a
// Lease heartbeat in kube-node-lease) and speaks the kubelet side of the
// real device-plugin gRPC API: plugins register on the node's own socket
// directory, their ListAndWatch stream keeps the node's extended-resource
// capacity in step, and every pod bound to the node gets Allocate calls for
// its devices before it is marked Running (or Failed with
// UnexpectedAdmissionError, as the kubelet does).
//
// It scales by sharing: one pod informer for the whole fleet, one worker
// pool for admissions and one for lease renewals, whatever the node count.
package simnode
