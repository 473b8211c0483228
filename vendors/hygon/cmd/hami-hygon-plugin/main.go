// Command hami-hygon-plugin is the Hygon DCU device plugin of one node
// (default); "monitor" serves the node's DCU and vDCU metrics.
package main

import (
	"fmt"
	"os"

	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/hygon"
	"github.com/hami-project/hami/vendors/hygon/internal/app"
)

func main() {
	if err := pluginrun.Main(os.Args[1:], &app.Vendor{}, hygon.Version(), nil); err != nil {
		fmt.Fprintln(os.Stderr, "hami-hygon-plugin:", err)
		os.Exit(1)
	}
}
