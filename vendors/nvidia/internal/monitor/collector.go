// Package monitor owns the NVIDIA node monitor: the containers' usage and
// limits (common/limiter's collector over the hami-core regions and limits
// files) and NVML's view of the GPUs.
package monitor

import (
	"strconv"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/limiter"
)

// Prefix starts the NVIDIA monitor's metric names.
const Prefix = "hami_nvidia"

var (
	gpuLabels    = []string{"uuid", "index"}
	descGPUUsed  = prometheus.NewDesc(Prefix+"_gpu_memory_used_bytes", "Device memory used on the GPU (NVML).", gpuLabels, nil)
	descGPUTotal = prometheus.NewDesc(Prefix+"_gpu_memory_total_bytes", "Device memory of the GPU (NVML).", gpuLabels, nil)
	descGPUUtil  = prometheus.NewDesc(Prefix+"_gpu_utilization_percent", "GPU compute utilisation over NVML's last sample period.", gpuLabels, nil)
)

// Options say where the collector reads containers.
type Options struct {
	// RegionRoot and LimitsRoot are the plugin's (see limiter.CollectorOptions).
	RegionRoot string
	LimitsRoot string
	// Now is the clock of the busy_ns readings (time.Now when nil).
	Now func() time.Time
}

// Collector reports the containers and the GPUs on every scrape.
type Collector struct {
	lib        nvml.Interface
	containers *limiter.ContainerCollector
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector reads the containers under opts' roots and the GPUs of lib.
func NewCollector(lib nvml.Interface, opts Options) *Collector {
	return &Collector{lib: lib, containers: limiter.NewContainerCollector(limiter.CollectorOptions{
		Prefix: Prefix, RegionRoot: opts.RegionRoot, LimitsRoot: opts.LimitsRoot, Now: opts.Now,
	})}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	c.containers.Describe(ch)
	for _, d := range []*prometheus.Desc{descGPUUsed, descGPUTotal, descGPUUtil} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.containers.Collect(ch)
	c.collectGPUs(ch)
}

func (c *Collector) collectGPUs(ch chan<- prometheus.Metric) {
	n, ret := c.lib.DeviceGetCount()
	if ret != nvml.SUCCESS {
		return
	}
	for i := range n {
		d, ret := c.lib.DeviceGetHandleByIndex(i)
		if ret != nvml.SUCCESS {
			continue
		}
		uuid, _ := d.GetUUID()
		idx := strconv.Itoa(i)
		if mem, ret := d.GetMemoryInfo(); ret == nvml.SUCCESS {
			ch <- prometheus.MustNewConstMetric(descGPUUsed, prometheus.GaugeValue, float64(mem.Used), uuid, idx)
			ch <- prometheus.MustNewConstMetric(descGPUTotal, prometheus.GaugeValue, float64(mem.Total), uuid, idx)
		}
		if u, ret := d.GetUtilizationRates(); ret == nvml.SUCCESS {
			ch <- prometheus.MustNewConstMetric(descGPUUtil, prometheus.GaugeValue, float64(u.Gpu), uuid, idx)
		}
	}
}
