// Package extender owns the scheduling decisions behind the kube-scheduler
// extender protocol: filter (which nodes can hold every container of the
// pod), prioritize (node scores by the node policy) and bind (choose the
// devices, book them, write the allocation on the pod, bind it).
package extender
