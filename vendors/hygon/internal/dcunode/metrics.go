package dcunode

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
)

var (
	cardLabels = []string{"uuid", "index"}
	vdcuLabels = []string{"pod_uid", "namespace", "pod", "container", "uuid"}

	descCardUsed  = prometheus.NewDesc("hami_hygon_dcu_memory_used_bytes", "Device memory used on the DCU (ROCm SMI).", cardLabels, nil)
	descCardTotal = prometheus.NewDesc("hami_hygon_dcu_memory_total_bytes", "Device memory of the DCU (ROCm SMI).", cardLabels, nil)
	descCardBusy  = prometheus.NewDesc("hami_hygon_dcu_busy_percent", "How busy the DCU is (ROCm SMI busy percent).", cardLabels, nil)
	descVDCUCUs   = prometheus.NewDesc("hami_hygon_vdcu_compute_units", "Compute units in the vDCU's CU mask.", vdcuLabels, nil)
	descVDCUMem   = prometheus.NewDesc("hami_hygon_vdcu_memory_limit_bytes", "The vDCU's device memory cap.", vdcuLabels, nil)
)

// collector reads the cards and the live vDCUs on every scrape.
type collector struct {
	n *Node
}

var _ prometheus.Collector = (*collector)(nil)

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCardUsed, descCardTotal, descCardBusy, descVDCUCUs, descVDCUMem} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A card that fails a read is
// left out of that figure rather than reported as zero.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	const mib = 1 << 20
	for _, card := range c.n.cards {
		labels := []string{card.UUID, strconv.Itoa(card.Index)}
		if m, err := c.n.lib.Memory(card.Index); err == nil {
			ch <- prometheus.MustNewConstMetric(descCardUsed, prometheus.GaugeValue, float64(m.UsedMiB*mib), labels...)
			ch <- prometheus.MustNewConstMetric(descCardTotal, prometheus.GaugeValue, float64(m.TotalMiB*mib), labels...)
		}
		if busy, err := c.n.lib.Utilization(card.Index); err == nil {
			ch <- prometheus.MustNewConstMetric(descCardBusy, prometheus.GaugeValue, float64(busy), labels...)
		}
	}
	if c.n.vdcus == nil {
		return
	}
	for _, in := range c.n.vdcus.Instances() {
		d, err := vdcu.DataOf(in)
		if err != nil {
			continue
		}
		labels := []string{string(in.Pod), d.Namespace, d.Pod, in.Container, in.Device}
		ch <- prometheus.MustNewConstMetric(descVDCUCUs, prometheus.GaugeValue, float64(d.Mask.Count()), labels...)
		ch <- prometheus.MustNewConstMetric(descVDCUMem, prometheus.GaugeValue, float64(d.MemoryMiB*mib), labels...)
	}
}
