package extender

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/metrics"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// FleetLister lists every fresh inventory.
type FleetLister interface {
	List() []*device.NodeInventory
}

// UsageCollector exports what is handed out per device and per node,
// computed at scrape time from the inventories and the usage index.
type UsageCollector struct {
	fleet FleetLister
	index *usage.Index

	devMem, devMemTotal, devCores, devTenants *prometheus.Desc
	nodeMem, nodeMemTotal, nodeCores          *prometheus.Desc
}

var _ prometheus.Collector = (*UsageCollector)(nil)

// NewUsageCollector builds the collector; register it on the registry.
func NewUsageCollector(fleet FleetLister, index *usage.Index) *UsageCollector {
	dev := []string{"node", "vendor", "device", "type"}
	node := []string{"node", "vendor"}
	name := func(s string) string { return prometheus.BuildFQName(metrics.Namespace, "", s) }
	return &UsageCollector{
		fleet: fleet, index: index,
		devMem:       prometheus.NewDesc(name("device_memory_allocated_mib"), "Device memory handed out, MiB.", dev, nil),
		devMemTotal:  prometheus.NewDesc(name("device_memory_capacity_mib"), "Device memory that may be handed out (after scaling), MiB.", dev, nil),
		devCores:     prometheus.NewDesc(name("device_cores_allocated_percent"), "Device compute handed out, percent of the device.", dev, nil),
		devTenants:   prometheus.NewDesc(name("device_tenants"), "Containers sharing the device.", dev, nil),
		nodeMem:      prometheus.NewDesc(name("node_memory_allocated_mib"), "Memory handed out on the node's devices of one vendor, MiB.", node, nil),
		nodeMemTotal: prometheus.NewDesc(name("node_memory_capacity_mib"), "Memory that may be handed out on the node's devices of one vendor, MiB.", node, nil),
		nodeCores:    prometheus.NewDesc(name("node_cores_allocated_percent"), "Compute handed out on the node's devices of one vendor, percent of one device.", node, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *UsageCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.devMem, c.devMemTotal, c.devCores, c.devTenants, c.nodeMem, c.nodeMemTotal, c.nodeCores} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *UsageCollector) Collect(ch chan<- prometheus.Metric) {
	for _, inv := range c.fleet.List() {
		u := c.index.Usage(inv)
		var mem, total, cores float64
		for i := range inv.Devices {
			d := &inv.Devices[i]
			du := u.At(i)
			labels := []string{inv.Node, inv.Vendor, d.ID, d.Type}
			capacity := float64(d.MemoryCapacityMiB(inv.Scaling))
			ch <- prometheus.MustNewConstMetric(c.devMem, prometheus.GaugeValue, float64(du.MemoryMiB), labels...)
			ch <- prometheus.MustNewConstMetric(c.devMemTotal, prometheus.GaugeValue, capacity, labels...)
			ch <- prometheus.MustNewConstMetric(c.devCores, prometheus.GaugeValue, float64(du.Cores), labels...)
			ch <- prometheus.MustNewConstMetric(c.devTenants, prometheus.GaugeValue, float64(du.Tenants), labels...)
			mem, total, cores = mem+float64(du.MemoryMiB), total+capacity, cores+float64(du.Cores)
		}
		ch <- prometheus.MustNewConstMetric(c.nodeMem, prometheus.GaugeValue, mem, inv.Node, inv.Vendor)
		ch <- prometheus.MustNewConstMetric(c.nodeMemTotal, prometheus.GaugeValue, total, inv.Node, inv.Vendor)
		ch <- prometheus.MustNewConstMetric(c.nodeCores, prometheus.GaugeValue, cores, inv.Node, inv.Vendor)
	}
}
