package monitor

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/prometheus/client_golang/prometheus"
)

// RegionFile is the region's file name inside a container's region
// directory (what CUDA_DEVICE_MEMORY_SHARED_CACHE names).
const RegionFile = "region.cache"

var (
	containerLabels = []string{"pod_uid", "container", "device"}
	gpuLabels       = []string{"uuid", "index"}

	descMemUsed   = prometheus.NewDesc("hami_nvidia_container_memory_used_bytes", "Device memory the container's processes hold, as the limiter accounts it.", containerLabels, nil)
	descMemLimit  = prometheus.NewDesc("hami_nvidia_container_memory_limit_bytes", "The container's device memory limit (0: none).", containerLabels, nil)
	descCoreLimit = prometheus.NewDesc("hami_nvidia_container_core_limit_percent", "The container's compute share limit (0: none).", containerLabels, nil)
	descProcs     = prometheus.NewDesc("hami_nvidia_container_processes", "Live processes of the container using the limiter.", []string{"pod_uid", "container"}, nil)
	descBadRegion = prometheus.NewDesc("hami_nvidia_region_unreadable", "1 for a region the monitor cannot read (unknown version, corrupt).", []string{"pod_uid", "container"}, nil)
	descGPUUsed   = prometheus.NewDesc("hami_nvidia_gpu_memory_used_bytes", "Device memory used on the GPU (NVML).", gpuLabels, nil)
	descGPUTotal  = prometheus.NewDesc("hami_nvidia_gpu_memory_total_bytes", "Device memory of the GPU (NVML).", gpuLabels, nil)
	descGPUUtil   = prometheus.NewDesc("hami_nvidia_gpu_utilization_percent", "GPU compute utilisation over NVML's last sample period.", gpuLabels, nil)
)

// Collector reports the regions under a directory and NVML's view of the
// GPUs on every scrape.
type Collector struct {
	lib     nvml.Interface
	regions string
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector reads regions under regionRoot (<pod uid>_<container>/).
func NewCollector(lib nvml.Interface, regionRoot string) *Collector {
	return &Collector{lib: lib, regions: regionRoot}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMemUsed, descMemLimit, descCoreLimit, descProcs, descBadRegion, descGPUUsed, descGPUTotal, descGPUUtil} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.collectRegions(ch)
	c.collectGPUs(ch)
}

func (c *Collector) collectRegions(ch chan<- prometheus.Metric) {
	dirs, err := os.ReadDir(c.regions)
	if err != nil {
		return
	}
	for _, d := range dirs {
		uid, container, ok := strings.Cut(d.Name(), "_")
		if !d.IsDir() || !ok {
			continue
		}
		r, err := ReadRegion(filepath.Join(c.regions, d.Name(), RegionFile))
		if os.IsNotExist(err) {
			continue // no CUDA process has started yet
		}
		if err != nil {
			ch <- prometheus.MustNewConstMetric(descBadRegion, prometheus.GaugeValue, 1, uid, container)
			continue
		}
		ch <- prometheus.MustNewConstMetric(descProcs, prometheus.GaugeValue, float64(r.Processes), uid, container)
		for i := range maxDevices {
			if r.MemoryLimit[i] == 0 && r.MemoryUsed[i] == 0 && r.SMLimit[i] == 0 {
				continue
			}
			dev := strconv.Itoa(i)
			ch <- prometheus.MustNewConstMetric(descMemUsed, prometheus.GaugeValue, float64(r.MemoryUsed[i]), uid, container, dev)
			ch <- prometheus.MustNewConstMetric(descMemLimit, prometheus.GaugeValue, float64(r.MemoryLimit[i]), uid, container, dev)
			ch <- prometheus.MustNewConstMetric(descCoreLimit, prometheus.GaugeValue, float64(r.SMLimit[i]), uid, container, dev)
		}
	}
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
