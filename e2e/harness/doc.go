// Package harness runs a real Kubernetes cluster for end-to-end tests on one
// machine without a registry: etcd, kube-apiserver and kube-scheduler built
// from source (hack/build-k8s.sh), a real node (kubelet + containerd + runc)
// running images built from this repository's Go code, and, through package
// simnode, thousands of simulated nodes.
//
// Everything listens on 127.0.0.1 and lives under one temporary directory
// named hami-e2e-<pid>-*; Cluster.Stop, t.Cleanup and SIGINT/SIGTERM tear it
// down in reverse start order, and Main checks that no process is left.
package harness
