// Command kubectl-hami prints where the cluster's device-sharing pods landed:
// node, device, memory and cores per container, or why a pod still waits. As
// a kubectl plugin: kubectl hami [-n NS | -A].
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/report"
	"github.com/hami-project/hami/common/request"
)

type options struct {
	kubeconfig string
	namespace  string
	all        bool
	configFile string
}

func main() {
	o, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubectl-hami:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	err = run(ctx, o, os.Stdout)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubectl-hami:", err)
		os.Exit(1)
	}
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("kubectl-hami", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&o.namespace, "n", "default", "namespace")
	fs.BoolVar(&o.all, "A", false, "all namespaces")
	fs.StringVar(&o.configFile, "config", "", "config.hami.io/v1 document naming the resources (default: the built-in names)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.all {
		o.namespace = metav1.NamespaceAll
	}
	return o, nil
}

func run(ctx context.Context, o *options, out io.Writer) error {
	cfg := config.Default()
	if o.configFile != "" {
		var err error
		if cfg, err = config.Load(o.configFile); err != nil {
			return err
		}
	}
	reg, err := request.NewRegistry(cfg.Vendors)
	if err != nil {
		return err
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.kubeconfig
	rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	client, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return err
	}
	list, err := client.CoreV1().Pods(o.namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list pods: %w", err)
	}
	return report.Write(out, report.Rows(ours(list.Items, reg)))
}

// ours keeps the pods that ask for a managed resource or carry a decision.
func ours(pods []corev1.Pod, reg *request.Registry) []corev1.Pod {
	var out []corev1.Pod
	for i := range pods {
		if _, decided := pods[i].Annotations[allocation.Annotation]; decided || reg.Manages(&pods[i]) {
			out = append(out, pods[i])
		}
	}
	return out
}
