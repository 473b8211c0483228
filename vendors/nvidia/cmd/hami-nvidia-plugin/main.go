// Command hami-nvidia-plugin is the NVIDIA device plugin of one GPU node
// (default); "monitor" serves the node's usage metrics; "install-limiter" is
// the init step that copies libvgpu.so into the host directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/nvidia"
	"github.com/hami-project/hami/vendors/nvidia/internal/app"
	"github.com/hami-project/hami/vendors/nvidia/internal/gpunode"
)

func main() {
	commands := map[string]pluginrun.Command{"install-limiter": installLimiter}
	if err := pluginrun.Main(os.Args[1:], &app.Vendor{}, nvidia.Version(), commands); err != nil {
		fmt.Fprintln(os.Stderr, "hami-nvidia-plugin:", err)
		os.Exit(1)
	}
}

func installLimiter(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("install-limiter", flag.ContinueOnError)
	from := fs.String("from", "/opt/hami/libvgpu.so", "library to install")
	to := fs.String("to", "/usr/local/vgpu", "host directory")
	ver := fs.String("version", nvidia.Version(), "version directory name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in, err := gpunode.Limiter.Install(*from, *to, *ver)
	if err != nil {
		return err
	}
	fmt.Printf("installed %s (current -> %s)\n", in.Library, in.Version)
	return nil
}
