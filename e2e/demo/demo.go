package demo

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/report"
	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/harness/proc"
	"github.com/hami-project/hami/e2e/simnode"
)

// Result is what the demo shows.
type Result struct {
	Cluster *harness.Cluster
	Pods    []corev1.Pod
	Rows    []report.Row
	UIURL   string
	// Nodes are the GPU nodes, real first.
	Nodes []string
	// RealNode is the machine's own kubelet node; nil when it cannot run one.
	RealNode *harness.Node
	plugins  []*proc.Process
}

// Run brings the stack up, runs the workload, prints the table, calls Hold
// and stops everything, whatever happened.
func Run(ctx context.Context, o Options) (err error) {
	if err := o.validate(); err != nil {
		return err
	}
	examples, err := LoadExamples(o.Examples)
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := harness.Start(ctx, harness.Options{Log: &o.Log, Namespaces: []string{Namespace, "hami-system"}})
	if err != nil {
		return err
	}
	defer func() {
		if stopErr := c.Stop(); err == nil {
			err = stopErr
		}
	}()
	r, err := bringUp(ctx, c, &o)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "cluster up in %s: %d GPU nodes\n", time.Since(start).Round(time.Second), len(r.Nodes))
	if err := submit(ctx, c.Client(), examples); err != nil {
		return err
	}
	if r.Pods, err = waitSettled(ctx, c.Client(), len(examples), 90*time.Second); err != nil {
		return err
	}
	r.Rows = report.Rows(r.Pods)
	if err := report.Write(o.Out, r.Rows); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "\nworkload placed %s after start\nweb view: %s\n", time.Since(start).Round(time.Second), r.UIURL)
	if o.Hold == nil {
		return nil
	}
	return o.Hold(ctx, r)
}

func bringUp(ctx context.Context, c *harness.Cluster, o *Options) (*Result, error) {
	sched, err := startScheduler(ctx, c, o)
	if err != nil {
		return nil, err
	}
	if err := startWebhook(ctx, c, o, sched.natsURL); err != nil {
		return nil, err
	}
	r := &Result{Cluster: c, UIURL: sched.uiURL}
	if o.RealNode {
		if err := startRealNode(ctx, c, o, sched.natsURL, r); err != nil {
			return nil, err
		}
	}
	if err := startSimNodes(ctx, c, o, sched.natsURL, r); err != nil {
		return nil, err
	}
	if err := waitInventories(ctx, sched.uiURL+"api/fleet", r.Nodes); err != nil {
		return nil, errors.Join(err, exited(r.plugins))
	}
	return r, nil
}

// exited describes the plugins that stopped, with the end of their logs.
func exited(ps []*proc.Process) error {
	var errs []error
	for _, p := range ps {
		select {
		case <-p.Done():
			errs = append(errs, fmt.Errorf("%s exited (%w):\n%s", p.Name(), p.ExitErr(), p.LogTail(10)))
		default:
		}
	}
	return errors.Join(errs...)
}

func startRealNode(ctx context.Context, c *harness.Cluster, o *Options, natsURL string, r *Result) error {
	if err := harness.CheckNodePrerequisites(); err != nil {
		fmt.Fprintf(o.Out, "no real kubelet node: %v; running simulated nodes only\n", err)
		return nil
	}
	n, err := c.StartNode(ctx, harness.NodeOptions{})
	if err != nil {
		return err
	}
	p, err := startPlugin(c, o, n.Name, "dgxh100", pluginapi.DevicePluginPath, natsURL)
	if err != nil {
		return err
	}
	r.Nodes, r.plugins = append(r.Nodes, n.Name), append(r.plugins, p)
	r.RealNode = n
	return nil
}

func startSimNodes(ctx context.Context, c *harness.Cluster, o *Options, natsURL string, r *Result) error {
	fleet, err := c.StartSimNodes(ctx, simnode.Options{Count: o.Nodes, NamePrefix: "gpu-", SocketRoot: filepath.Join(c.Dir(), "sn")})
	if err != nil {
		return err
	}
	for i, node := range fleet.Nodes() {
		dir, err := fleet.SocketDir(node)
		if err != nil {
			return err
		}
		p, err := startPlugin(c, o, node, FakeServers[i%len(FakeServers)], dir, natsURL)
		if err != nil {
			return err
		}
		r.Nodes, r.plugins = append(r.Nodes, node), append(r.plugins, p)
	}
	for _, v := range VendorServers {
		if err := startVendorNode(ctx, c, o, v, natsURL, r); err != nil {
			return err
		}
	}
	return nil
}

// startVendorNode runs one simulated node with v's plugin on its fake model.
func startVendorNode(ctx context.Context, c *harness.Cluster, o *Options, v VendorServer, natsURL string, r *Result) error {
	fleet, err := c.StartSimNodes(ctx, simnode.Options{Count: 1, NamePrefix: v.Prefix, SocketRoot: filepath.Join(c.Dir(), "sn-"+v.Vendor)})
	if err != nil {
		return err
	}
	node := fleet.Nodes()[0]
	dir, err := fleet.SocketDir(node)
	if err != nil {
		return err
	}
	p, err := startVendorPlugin(c, o, v, node, dir, natsURL)
	if err != nil {
		return err
	}
	r.Nodes, r.plugins = append(r.Nodes, node), append(r.plugins, p)
	return nil
}
