package simnode

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// UnexpectedAdmissionError is the kubelet's reason for a pod whose device
// allocation failed.
const UnexpectedAdmissionError = "UnexpectedAdmissionError"

func (f *Fleet) postStatus(pod *corev1.Pod, status corev1.PodStatus) error {
	updated := pod.DeepCopy()
	updated.Status = status
	if _, err := f.client.CoreV1().Pods(pod.Namespace).UpdateStatus(f.ctx, updated, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update pod status: %w", err)
	}
	return nil
}

// runningStatus is the status of a pod whose containers all started.
func runningStatus(pod *corev1.Pod) corev1.PodStatus {
	now := metav1.Now()
	cond := func(t corev1.PodConditionType) corev1.PodCondition {
		return corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now}
	}
	status := corev1.PodStatus{
		Phase:     corev1.PodRunning,
		QOSClass:  pod.Status.QOSClass,
		StartTime: &now,
		Conditions: []corev1.PodCondition{
			cond(corev1.PodScheduled), cond(corev1.PodInitialized),
			cond(corev1.ContainersReady), cond(corev1.PodReady),
		},
	}
	for _, c := range pod.Spec.InitContainers {
		status.InitContainerStatuses = append(status.InitContainerStatuses, containerStatus(pod, c, corev1.ContainerState{
			Terminated: &corev1.ContainerStateTerminated{Reason: "Completed", StartedAt: now, FinishedAt: now},
		}))
	}
	for _, c := range pod.Spec.Containers {
		status.ContainerStatuses = append(status.ContainerStatuses, containerStatus(pod, c, corev1.ContainerState{
			Running: &corev1.ContainerStateRunning{StartedAt: now},
		}))
	}
	return status
}

func containerStatus(pod *corev1.Pod, c corev1.Container, state corev1.ContainerState) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name:        c.Name,
		Image:       c.Image,
		ImageID:     "simnode://" + c.Image,
		ContainerID: fmt.Sprintf("simnode://%s/%s", pod.UID, c.Name),
		State:       state,
		Ready:       state.Running != nil,
		Started:     ptr.To(state.Running != nil),
	}
}

// failedStatus is the kubelet's status for a pod it refused at admission.
func failedStatus(pod *corev1.Pod, message string) corev1.PodStatus {
	return corev1.PodStatus{
		Phase:    corev1.PodFailed,
		Reason:   UnexpectedAdmissionError,
		Message:  message,
		QOSClass: pod.Status.QOSClass,
	}
}
