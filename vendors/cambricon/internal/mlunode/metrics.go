package mlunode

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

const mib = 1 << 20

var (
	cardLabels     = []string{"uuid", "index"}
	instanceLabels = []string{"uuid", "index", "instance", "pod_uid", "container"}

	descMemTotal = prometheus.NewDesc("hami_cambricon_mlu_memory_total_bytes", "Memory of the MLU card (CNDev).", cardLabels, nil)
	descMemUsed  = prometheus.NewDesc("hami_cambricon_mlu_memory_used_bytes", "Memory used on the MLU card (CNDev).", cardLabels, nil)
	descUtil     = prometheus.NewDesc("hami_cambricon_mlu_utilization_percent", "Average core utilisation of the MLU card (CNDev).", cardLabels, nil)
	descSMLUMem  = prometheus.NewDesc("hami_cambricon_smlu_memory_bytes", "Memory of an sMLU instance made for a container.", instanceLabels, nil)
	descSMLUCore = prometheus.NewDesc("hami_cambricon_smlu_cores_percent", "Core share of an sMLU instance made for a container.", instanceLabels, nil)
)

// collector reports CNDev's view of the cards and the sMLU instances the
// partition manager made, with their pod and container, on every scrape.
type collector struct {
	lib   sdk.Library
	cards []Card
	parts *partition.Manager
}

func newCollector(lib sdk.Library, cards []Card, parts *partition.Manager) *collector {
	return &collector{lib: lib, cards: cards, parts: parts}
}

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMemTotal, descMemUsed, descUtil, descSMLUMem, descSMLUCore} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A card CNDev cannot read is
// left out of this scrape.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	for _, card := range c.cards {
		idx := strconv.Itoa(card.Index)
		if m, err := c.lib.Memory(card.Index); err == nil {
			ch <- prometheus.MustNewConstMetric(descMemTotal, prometheus.GaugeValue, float64(m.TotalMiB)*mib, card.UUID, idx)
			ch <- prometheus.MustNewConstMetric(descMemUsed, prometheus.GaugeValue, float64(m.UsedMiB)*mib, card.UUID, idx)
		}
		if u, err := c.lib.Utilization(card.Index); err == nil {
			ch <- prometheus.MustNewConstMetric(descUtil, prometheus.GaugeValue, float64(u), card.UUID, idx)
		}
	}
	if c.parts == nil {
		return
	}
	for _, in := range c.parts.Instances() {
		h, err := HandlesOf(in)
		if err != nil {
			continue
		}
		labels := []string{in.Device, strconv.Itoa(h.Card), in.ID, string(in.Pod), in.Container}
		ch <- prometheus.MustNewConstMetric(descSMLUMem, prometheus.GaugeValue, float64(h.MemMiB)*mib, labels...)
		ch <- prometheus.MustNewConstMetric(descSMLUCore, prometheus.GaugeValue, float64(h.Cores), labels...)
	}
}
