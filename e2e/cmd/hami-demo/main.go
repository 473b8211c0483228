// Command hami-demo runs `make demo`: a local mixed NVIDIA fleet on a real
// control plane, the sample workload placed, and the web view until Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/rs/zerolog"
	"k8s.io/klog/v2"

	"github.com/hami-project/hami/e2e/demo"
)

func main() {
	// client-go's own log reports the watches the demo cancels on its way
	// out; the demo says what matters itself.
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
	o, once, err := parse(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-demo:", err)
		os.Exit(2)
	}
	if !once {
		o.Hold = hold
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = demo.Run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-demo:", err)
		os.Exit(1)
	}
}

func parse(args []string) (demo.Options, bool, error) {
	o := demo.Options{Out: os.Stdout}
	nodes, err := envInt("DEMO_NODES", 8)
	if err != nil {
		return o, false, err
	}
	var once, noRealNode, verbose bool
	fs := flag.NewFlagSet("hami-demo", flag.ContinueOnError)
	fs.IntVar(&o.Nodes, "nodes", nodes, "simulated GPU nodes (DEMO_NODES)")
	fs.StringVar(&o.BinDir, "bin-dir", "bin", "folder of hami-scheduler, hami-webhook and hami-nvidia-plugin")
	fs.StringVar(&o.Examples, "examples", "examples", "folder of the sample workload")
	fs.StringVar(&o.Limiter, "limiter", "hami-core/build/libvgpu.so", "libvgpu.so installed on every node")
	fs.StringVar(&o.UIAddr, "ui-addr", "127.0.0.1:8088", "where the web view listens")
	fs.BoolVar(&once, "once", false, "exit after printing the placement table")
	fs.BoolVar(&noRealNode, "no-real-node", false, "do not start this machine's own kubelet node")
	fs.BoolVar(&o.Extender, "extender", false, "run hami-scheduler as the extender of kube-scheduler instead of with its plugin compiled in")
	fs.BoolVar(&verbose, "v", false, "log the cluster's progress")
	if err := fs.Parse(args); err != nil {
		return o, false, err
	}
	o.RealNode = !noRealNode
	level := zerolog.WarnLevel
	if verbose {
		level = zerolog.InfoLevel
	}
	o.Log = zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr}).Level(level).With().Timestamp().Logger()
	return o, once, nil
}

func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: want a number of nodes", name, v)
	}
	return n, nil
}

func hold(ctx context.Context, r *demo.Result) error {
	fmt.Printf("\nopen %s\nkubectl: KUBECONFIG=%s\nCtrl-C stops everything.\n", r.UIURL, r.Cluster.Kubeconfig())
	<-ctx.Done()
	return nil
}
