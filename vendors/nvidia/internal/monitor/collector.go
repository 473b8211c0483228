// Package monitor owns the NVIDIA node monitor: a Prometheus collector
// over the containers' hami-core regions (usage, read with
// common/limiter), their trusted limits files and NVML. Compute used is
// the growth of a region's busy_ns between two scrapes, so the collector
// keeps each container's last reading.
package monitor

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/limiter"
)

var (
	containerLabels = []string{"pod_uid", "container", "device"}
	gpuLabels       = []string{"uuid", "index"}

	descMemUsed   = prometheus.NewDesc("hami_nvidia_container_memory_used_bytes", "Device memory the container's processes hold, as the limiter accounts it.", containerLabels, nil)
	descMemLimit  = prometheus.NewDesc("hami_nvidia_container_memory_limit_bytes", "The container's device memory limit from its limits file (0: none).", containerLabels, nil)
	descCoreUsed  = prometheus.NewDesc("hami_nvidia_container_core_used_percent", "The container's share of the device's time over the last scrape interval, percent (from the limiter's busy_ns).", containerLabels, nil)
	descCoreLimit = prometheus.NewDesc("hami_nvidia_container_core_limit_percent", "The container's compute share limit from its limits file (0: none).", containerLabels, nil)
	descBusy      = prometheus.NewDesc("hami_nvidia_container_device_busy_seconds_total", "Device time of the container's launches, as the limiter measures it.", containerLabels, nil)
	descProcs     = prometheus.NewDesc("hami_nvidia_container_processes", "Live processes of the container using the limiter.", []string{"pod_uid", "container"}, nil)
	descBadRegion = prometheus.NewDesc("hami_nvidia_region_unreadable", "1 for a region the monitor cannot read (unknown version, corrupt).", []string{"pod_uid", "container"}, nil)
	descBadLimits = prometheus.NewDesc("hami_nvidia_limits_unreadable", "1 for a container whose limits file the monitor cannot read.", []string{"pod_uid", "container"}, nil)
	descGPUUsed   = prometheus.NewDesc("hami_nvidia_gpu_memory_used_bytes", "Device memory used on the GPU (NVML).", gpuLabels, nil)
	descGPUTotal  = prometheus.NewDesc("hami_nvidia_gpu_memory_total_bytes", "Device memory of the GPU (NVML).", gpuLabels, nil)
	descGPUUtil   = prometheus.NewDesc("hami_nvidia_gpu_utilization_percent", "GPU compute utilisation over NVML's last sample period.", gpuLabels, nil)
)

// Options say where the collector reads containers.
type Options struct {
	// RegionRoot holds one region directory per container
	// (<pod uid>_<container>/region.cache); a container is reported while
	// its region exists.
	RegionRoot string
	// LimitsRoot holds the limits files (<pod uid>_<container>/limits.conf);
	// empty: limits are not reported.
	LimitsRoot string
	// Now is the clock of the busy_ns readings (time.Now when nil).
	Now func() time.Time
}

// Collector reports the containers' usage and limits and NVML's view of
// the GPUs on every scrape.
type Collector struct {
	lib  nvml.Interface
	opts Options

	mu   sync.Mutex
	last map[string]reading // guarded by mu; by container directory name
}

// reading is a region's busy_ns at a scrape.
type reading struct {
	at   time.Time
	busy [limiter.MaxDevices]uint64
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector reads the containers under opts' roots and the GPUs of lib.
func NewCollector(lib nvml.Interface, opts Options) *Collector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Collector{lib: lib, opts: opts, last: map[string]reading{}}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		descMemUsed, descMemLimit, descCoreUsed, descCoreLimit, descBusy, descProcs, descBadRegion, descBadLimits,
		descGPUUsed, descGPUTotal, descGPUUtil,
	} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.collectContainers(ch)
	c.collectGPUs(ch)
}

func (c *Collector) collectContainers(ch chan<- prometheus.Metric) {
	now := c.opts.Now()
	dirs, _ := os.ReadDir(c.opts.RegionRoot) // none yet: nothing to report
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := make(map[string]bool, len(dirs))
	for _, d := range dirs {
		uid, container, ok := strings.Cut(d.Name(), "_")
		if !d.IsDir() || !ok {
			continue
		}
		r, err := limiter.ReadRegion(filepath.Join(c.opts.RegionRoot, d.Name(), limiter.RegionFile))
		if errors.Is(err, os.ErrNotExist) {
			continue // no CUDA process has started yet
		}
		if err != nil {
			ch <- prometheus.MustNewConstMetric(descBadRegion, prometheus.GaugeValue, 1, uid, container)
			continue
		}
		seen[d.Name()] = true
		prev, hasPrev := c.last[d.Name()]
		cur := reading{at: now, busy: r.BusyNs}
		c.last[d.Name()] = cur
		lim := c.limits(ch, d.Name(), uid, container)
		ct := containerSample{uid: uid, container: container, region: r, limits: lim, now: cur}
		if hasPrev {
			ct.prev = &prev
		}
		ct.emit(ch)
	}
	for name := range c.last {
		if !seen[name] {
			delete(c.last, name) // the pod is gone: its region directory too
		}
	}
}

// limits reads a container's limits file; nil when there is none.
func (c *Collector) limits(ch chan<- prometheus.Metric, name, uid, container string) *limiter.Limits {
	if c.opts.LimitsRoot == "" {
		return nil
	}
	l, err := limiter.ReadLimits(filepath.Join(c.opts.LimitsRoot, name, limiter.LimitsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descBadLimits, prometheus.GaugeValue, 1, uid, container)
		return nil
	}
	return l
}

// containerSample is one container's figures at one scrape.
type containerSample struct {
	uid, container string
	region         *limiter.Region
	limits         *limiter.Limits // nil: no limits file
	now            reading
	prev           *reading // nil on the first scrape that sees the container
}

func (s *containerSample) emit(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descProcs, float64(s.region.Processes), s.uid, s.container)
	for i := range limiter.MaxDevices {
		var memLimit uint64
		var coreLimit int
		if s.limits != nil {
			memLimit, coreLimit = s.limits.Memory[i], s.limits.Core[i]
		}
		used, busy := s.region.MemoryUsed[i], s.region.BusyNs[i]
		if memLimit == 0 && coreLimit == 0 && used == 0 && busy == 0 {
			continue // a device the container does not have or has not used
		}
		dev := strconv.Itoa(i)
		gauge(descMemUsed, float64(used), s.uid, s.container, dev)
		ch <- prometheus.MustNewConstMetric(descBusy, prometheus.CounterValue, float64(busy)/1e9, s.uid, s.container, dev)
		if s.limits != nil {
			gauge(descMemLimit, float64(memLimit), s.uid, s.container, dev)
			gauge(descCoreLimit, float64(coreLimit), s.uid, s.container, dev)
		}
		if pct, ok := s.coreUsed(i); ok {
			gauge(descCoreUsed, pct, s.uid, s.container, dev)
		}
	}
}

// coreUsed is the device time the container used since the previous
// scrape over the time elapsed, percent. Not known on the first scrape, or
// when busy_ns went back (the region was rebuilt).
func (s *containerSample) coreUsed(i int) (float64, bool) {
	if s.prev == nil || !s.now.at.After(s.prev.at) || s.now.busy[i] < s.prev.busy[i] {
		return 0, false
	}
	elapsed := s.now.at.Sub(s.prev.at)
	return float64(s.now.busy[i]-s.prev.busy[i]) / float64(elapsed.Nanoseconds()) * 100, true
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
