package limiter

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// containerDescs are a ContainerCollector's metrics, named under its prefix.
type containerDescs struct {
	memUsed, memLimit, coreUsed, coreLimit, busy, procs, badRegion, badLimits *prometheus.Desc
}

func newContainerDescs(prefix string) containerDescs {
	labels := []string{"pod_uid", "container", "device"}
	pod := []string{"pod_uid", "container"}
	d := func(name, help string, l []string) *prometheus.Desc {
		return prometheus.NewDesc(prefix+"_"+name, help, l, nil)
	}
	return containerDescs{
		memUsed:   d("container_memory_used_bytes", "Device memory the container's processes hold, as the limiter accounts it.", labels),
		memLimit:  d("container_memory_limit_bytes", "The container's device memory limit from its limits file (0: none).", labels),
		coreUsed:  d("container_core_used_percent", "The container's share of the device's time over the last scrape interval, percent (from the limiter's busy_ns).", labels),
		coreLimit: d("container_core_limit_percent", "The container's compute share limit from its limits file (0: none).", labels),
		busy:      d("container_device_busy_seconds_total", "Device time of the container's launches, as the limiter measures it.", labels),
		procs:     d("container_processes", "Live processes of the container using the limiter.", pod),
		badRegion: d("region_unreadable", "1 for a region the monitor cannot read (unknown version, corrupt).", pod),
		badLimits: d("limits_unreadable", "1 for a container whose limits file the monitor cannot read.", pod),
	}
}

func (d *containerDescs) describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{d.memUsed, d.memLimit, d.coreUsed, d.coreLimit, d.busy, d.procs, d.badRegion, d.badLimits} {
		ch <- desc
	}
}

// CollectorOptions say where a ContainerCollector reads containers.
type CollectorOptions struct {
	// Prefix starts every metric name, e.g. hami_nvidia.
	Prefix string
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

// ContainerCollector reports, on every scrape, each container's usage as
// its limiter's region records it and its limits as its trusted limits
// file says: the figures an operator compares to see whether a 30% tenant
// gets 30%.
type ContainerCollector struct {
	opts  CollectorOptions
	descs containerDescs

	mu   sync.Mutex
	last map[string]reading // guarded by mu; by container directory name
}

// reading is a region's busy_ns at a scrape.
type reading struct {
	at   time.Time
	busy [MaxDevices]uint64
}

var _ prometheus.Collector = (*ContainerCollector)(nil)

// NewContainerCollector reads the containers under opts' roots.
func NewContainerCollector(opts CollectorOptions) *ContainerCollector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &ContainerCollector{opts: opts, descs: newContainerDescs(opts.Prefix), last: map[string]reading{}}
}

// Describe implements prometheus.Collector.
func (c *ContainerCollector) Describe(ch chan<- *prometheus.Desc) { c.descs.describe(ch) }

// Collect implements prometheus.Collector.
func (c *ContainerCollector) Collect(ch chan<- prometheus.Metric) {
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
		r, err := ReadRegion(filepath.Join(c.opts.RegionRoot, d.Name(), RegionFile))
		if errors.Is(err, os.ErrNotExist) {
			continue // no CUDA process has started yet
		}
		if err != nil {
			ch <- prometheus.MustNewConstMetric(c.descs.badRegion, prometheus.GaugeValue, 1, uid, container)
			continue
		}
		seen[d.Name()] = true
		prev, hasPrev := c.last[d.Name()]
		cur := reading{at: now, busy: r.BusyNs}
		c.last[d.Name()] = cur
		lim := c.limits(ch, d.Name(), uid, container)
		ct := containerSample{descs: &c.descs, uid: uid, container: container, region: r, limits: lim, now: cur}
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
func (c *ContainerCollector) limits(ch chan<- prometheus.Metric, name, uid, container string) *Limits {
	if c.opts.LimitsRoot == "" {
		return nil
	}
	l, err := ReadLimits(filepath.Join(c.opts.LimitsRoot, name, LimitsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.descs.badLimits, prometheus.GaugeValue, 1, uid, container)
		return nil
	}
	return l
}

// containerSample is one container's figures at one scrape.
type containerSample struct {
	descs          *containerDescs
	uid, container string
	region         *Region
	limits         *Limits // nil: no limits file
	now            reading
	prev           *reading // nil on the first scrape that sees the container
}

func (s *containerSample) emit(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(s.descs.procs, float64(s.region.Processes), s.uid, s.container)
	for i := range MaxDevices {
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
		gauge(s.descs.memUsed, float64(used), s.uid, s.container, dev)
		ch <- prometheus.MustNewConstMetric(s.descs.busy, prometheus.CounterValue, float64(busy)/1e9, s.uid, s.container, dev)
		if s.limits != nil {
			gauge(s.descs.memLimit, float64(memLimit), s.uid, s.container, dev)
			gauge(s.descs.coreLimit, float64(coreLimit), s.uid, s.container, dev)
		}
		if pct, ok := s.coreUsed(i); ok {
			gauge(s.descs.coreUsed, pct, s.uid, s.container, dev)
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
