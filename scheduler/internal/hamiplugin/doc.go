// Package hamiplugin is HAMi's scheduling-framework plugin: compiled into
// kube-scheduler (hami-scheduler's default front end), it places pods that
// ask for shares of devices in process, on the same decision code as the
// extender (package extender), with no HTTP round trip per pod.
//
// PreFilter parses the request once and keeps it in the cycle state; its
// AddPod/RemovePod extensions let kube-scheduler's own preemption weigh
// evicting pods that hold shares. Filter and Score come from the placement
// policy; Reserve books the devices in the usage index and Unreserve frees
// them; Bind writes the decision on the Binding, one API write per pod.
// Inventory changes over NATS and freed shares requeue the pods waiting
// for capacity, which kube-scheduler sees as no cluster event of its own.
package hamiplugin
