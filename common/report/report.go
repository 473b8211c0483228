// Package report owns the placement table a person reads: for every pod that
// asks for devices, where each of its containers landed (node, device,
// memory, cores, partition) or why it is still waiting. The CLI and the demo
// print it; both read only what the API server holds.
package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/allocation"
)

// Row is one device of one container, or one waiting pod.
type Row struct {
	Pod       string
	Container string
	Node      string
	Device    string
	MemoryMiB int64
	Cores     int32
	Mode      string
	Phase     string
	// Reason is why a pod without a placement waits, or why a placed pod
	// failed on its node; empty otherwise.
	Reason string
}

// Rows builds the table for the pods, sorted by pod then container. Pods
// that carry no allocation appear once, with the scheduler's last word on
// them.
func Rows(pods []corev1.Pod) []Row {
	var rows []Row
	for i := range pods {
		rows = append(rows, podRows(&pods[i])...)
	}
	slices.SortStableFunc(rows, func(a, b Row) int { return strings.Compare(a.Pod+"\x00"+a.Container, b.Pod+"\x00"+b.Container) })
	return rows
}

func podRows(p *corev1.Pod) []Row {
	name := p.Namespace + "/" + p.Name
	a, err := decoded(p)
	if err != nil || a == nil || p.Spec.NodeName == "" {
		reason := waiting(p)
		if err != nil {
			reason = err.Error()
		}
		return []Row{{Pod: name, Phase: string(p.Status.Phase), Reason: reason}}
	}
	var rows []Row
	for _, c := range a.Containers {
		for _, d := range c.Devices {
			mode := d.Mode
			if d.Profile != "" {
				mode += " " + d.Profile
			}
			rows = append(rows, Row{Pod: name, Container: c.Name, Node: a.Node, Device: d.ID,
				MemoryMiB: d.MemoryMiB, Cores: d.Cores, Mode: mode, Phase: string(p.Status.Phase), Reason: failure(p)})
		}
	}
	return rows
}

func decoded(p *corev1.Pod) (*allocation.Allocation, error) {
	v, ok := p.Annotations[allocation.Annotation]
	if !ok {
		return nil, nil
	}
	return allocation.Decode(v)
}

// failure is what the node said about a pod it could not run.
func failure(p *corev1.Pod) string {
	if p.Status.Phase != corev1.PodFailed {
		return ""
	}
	return strings.TrimSpace(p.Status.Reason + " " + p.Status.Message)
}

// waiting is the message of the PodScheduled condition, which carries the
// extender's per-node reasons when nothing fits.
func waiting(p *corev1.Pod) string {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status != corev1.ConditionTrue && c.Message != "" {
			return c.Message
		}
	}
	if p.Status.Phase == corev1.PodPending || p.Status.Phase == "" {
		return "not scheduled yet"
	}
	return ""
}

// Write prints the rows as an aligned table.
func Write(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POD\tCONTAINER\tNODE\tDEVICE\tMEMORY\tCORES\tMODE\tPHASE\tREASON")
	for _, r := range rows {
		if r.Node == "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t%s\t%s\n", r.Pod, r.Phase, r.Reason)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d MiB\t%d%%\t%s\t%s\t%s\n", r.Pod, r.Container, r.Node, r.Device, r.MemoryMiB, r.Cores, r.Mode, r.Phase, r.Reason)
	}
	return tw.Flush()
}
