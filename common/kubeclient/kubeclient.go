// Package kubeclient builds the API client every component makes from its
// --kubeconfig flag: the file when one is given, the pod's service account
// otherwise.
package kubeclient

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Config returns the client configuration of kubeconfig, or the in-cluster
// one when kubeconfig is empty.
func Config(kubeconfig string) (*rest.Config, error) {
	var rc *rest.Config
	var err error
	if kubeconfig == "" {
		rc, err = rest.InClusterConfig()
	} else {
		rc, err = clientcmd.BuildConfigFromFlags("", kubeconfig)
	}
	if err != nil {
		return nil, fmt.Errorf("kubernetes client config (--kubeconfig %q): %w", kubeconfig, err)
	}
	return rc, nil
}

// UseProtobuf has rc talk protobuf to the API server, as kube-scheduler and
// the kubelet do: what a component reads and watches of every pod costs
// the API server and the component a fraction of JSON's encoding.
func UseProtobuf(rc *rest.Config) {
	rc.ContentType = runtime.ContentTypeProtobuf
	rc.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
}

// New returns a clientset for kubeconfig (see Config).
func New(kubeconfig string) (kubernetes.Interface, error) {
	rc, err := Config(kubeconfig)
	if err != nil {
		return nil, err
	}
	return NewForConfig(rc)
}

// NewForConfig returns a clientset for rc.
func NewForConfig(rc *rest.Config) (kubernetes.Interface, error) {
	c, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	return c, nil
}
