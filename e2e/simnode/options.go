package simnode

import (
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Options configure a fleet of simulated nodes.
type Options struct {
	Count      int    // number of nodes
	NamePrefix string // node names are <prefix><index>, "sim-" when empty
	// SocketRoot holds one directory per node, <SocketRoot>/<node>/, with
	// the node's kubelet.sock; plugins put their sockets beside it. Unix
	// socket paths are short, so keep SocketRoot short.
	SocketRoot string
	// Capacity of every node before devices; 32 CPUs, 256Gi, 110 pods when nil.
	Capacity corev1.ResourceList
	Labels   map[string]string // added to every node
	// LeaseRenewInterval is how often each node renews its Lease (10 s, as
	// the kubelet does, when zero).
	LeaseRenewInterval time.Duration
	Workers            int             // concurrent pod admissions and node creations, 16 when zero
	Log                *zerolog.Logger // nothing is logged when nil
}

// KubeletVersion is what simulated nodes report.
const KubeletVersion = "v1.37.2"

func (o Options) withDefaults() Options {
	if o.NamePrefix == "" {
		o.NamePrefix = "sim-"
	}
	if o.Capacity == nil {
		o.Capacity = corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("32"),
			corev1.ResourceMemory: resource.MustParse("256Gi"),
			corev1.ResourcePods:   resource.MustParse("110"),
		}
	}
	if o.LeaseRenewInterval == 0 {
		o.LeaseRenewInterval = 10 * time.Second
	}
	if o.Workers == 0 {
		o.Workers = 16
	}
	return o
}

func (o Options) validate() error {
	if o.Count < 0 {
		return fmt.Errorf("count %d: must not be negative", o.Count)
	}
	if o.SocketRoot == "" {
		return errors.New("socket root is required")
	}
	return nil
}

// nodeName is the name of the i-th node.
func (o Options) nodeName(i int) string {
	return fmt.Sprintf("%s%d", o.NamePrefix, i)
}
