package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// ProbeReport is what the probe image prints (see e2e/cmd/probe).
type ProbeReport struct {
	Env     map[string]string `json:"env"`
	Mounts  []string          `json:"mounts"`
	Devices []string          `json:"devices"`
	// Files are the files named in the pod's $PROBE_FILES, as the
	// container reads them; Writable those it could open for writing.
	Files    map[string]string `json:"files,omitempty"`
	Writable []string          `json:"writable,omitempty"`
}

// ProbePod is a pod that runs the probe once on the real node's host
// network (there is no CNI) and keeps its logs.
func ProbePod(namespace, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: corev1.PodSpec{
			HostNetwork:                   true,
			RestartPolicy:                 corev1.RestartPolicyNever,
			TerminationGracePeriodSeconds: ptr.To(int64(1)),
			Containers: []corev1.Container{{
				Name:            "probe",
				Image:           ProbeImage,
				ImagePullPolicy: corev1.PullNever,
			}},
		},
	}
}

// WaitPodPhase waits until the pod reaches one of phases and returns it.
func WaitPodPhase(ctx context.Context, client kubernetes.Interface, namespace, name string, phases ...corev1.PodPhase) (*corev1.Pod, error) {
	var pod *corev1.Pod
	err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		var err error
		pod, err = client.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil //nolint:nilerr // not created yet or transient
		}
		for _, p := range phases {
			if pod.Status.Phase == p {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return pod, fmt.Errorf("pod %s/%s did not reach %v (last %s): %w", namespace, name, phases, describePhase(pod), err)
	}
	return pod, nil
}

func describePhase(pod *corev1.Pod) string {
	if pod == nil {
		return "not found"
	}
	parts := []string{string(pod.Status.Phase), pod.Status.Reason, pod.Status.Message}
	for _, cs := range pod.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil {
			parts = append(parts, cs.Name+" waiting: "+w.Reason+" "+w.Message)
		}
	}
	return strings.Join(parts, " ")
}

// ReadProbe fetches the pod's logs through the apiserver (which proxies to
// the kubelet) and decodes the probe's report.
func ReadProbe(ctx context.Context, client kubernetes.Interface, namespace, name string) (*ProbeReport, error) {
	raw, err := client.CoreV1().Pods(namespace).GetLogs(name, &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("logs of %s/%s: %w", namespace, name, err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if body, ok := strings.CutPrefix(line, "PROBE "); ok {
			var r ProbeReport
			if err := json.Unmarshal([]byte(body), &r); err != nil {
				return nil, fmt.Errorf("decode probe report: %w", err)
			}
			return &r, nil
		}
	}
	return nil, fmt.Errorf("no probe report in logs of %s/%s: %q", namespace, name, raw)
}
