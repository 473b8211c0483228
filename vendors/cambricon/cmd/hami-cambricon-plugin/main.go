// Command hami-cambricon-plugin is the Cambricon MLU device plugin of one
// node (default); "monitor" serves the node's card metrics.
package main

import (
	"fmt"
	"os"

	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/cambricon"
	"github.com/hami-project/hami/vendors/cambricon/internal/app"
)

func main() {
	if err := pluginrun.Main(os.Args[1:], &app.Vendor{}, cambricon.Version(), nil); err != nil {
		fmt.Fprintln(os.Stderr, "hami-cambricon-plugin:", err)
		os.Exit(1)
	}
}
