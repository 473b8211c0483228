package admission_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/webhook/admission"
	"github.com/hami-project/hami/webhook/admission/admissiontest"
)

// list builds a ResourceList from name=quantity pairs.
func list(kv ...string) corev1.ResourceList {
	l := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		l[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return l
}

// gpuPod is a pod as the apiserver hands it to the webhook: defaulted
// schedulerName, one container with the given limits.
func gpuPod(limits corev1.ResourceList) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "team-a"},
		Spec: corev1.PodSpec{
			SchedulerName: corev1.DefaultSchedulerName,
			Containers:    []corev1.Container{{Name: "app", Image: "app", Resources: corev1.ResourceRequirements{Limits: limits}}},
		},
	}
}

// withRequests mirrors limits into requests, as the apiserver's defaulting does.
func withRequests(p *corev1.Pod) *corev1.Pod {
	for i := range p.Spec.Containers {
		p.Spec.Containers[i].Resources.Requests = p.Spec.Containers[i].Resources.Limits.DeepCopy()
	}
	return p
}

func newAdmitter(t testing.TB, cfg *config.Config, opts admission.Options) *admission.Admitter {
	t.Helper()
	if cfg == nil {
		cfg = config.Default()
	}
	if opts.IgnoredNamespaces == nil {
		opts.IgnoredNamespaces = admission.DefaultIgnoredNamespaces()
	}
	a, err := admission.New(cfg, admissiontest.NewFleet(h100Node()), opts)
	require.NoError(t, err)
	return a
}

func admit(a *admission.Admitter, pod *corev1.Pod) admission.Decision {
	return a.Admit(context.Background(), admission.Request{Operation: admissionv1.Create, Namespace: pod.Namespace, Pod: pod})
}

// applyPatch applies the decision's patch the way kube-apiserver does.
func applyPatch(t *testing.T, pod *corev1.Pod, p admission.Patch) *corev1.Pod {
	t.Helper()
	doc, err := json.Marshal(pod)
	require.NoError(t, err)
	raw, err := p.JSON()
	require.NoError(t, err)
	decoded, err := jsonpatch.DecodePatch(raw)
	require.NoError(t, err)
	patched, err := decoded.Apply(doc)
	require.NoError(t, err, "patch %s", raw)
	out := &corev1.Pod{}
	require.NoError(t, json.Unmarshal(patched, out))
	return out
}

// h100Node is a node of two 80 GiB H100s whose plugin publishes the default
// NVIDIA names, Volcano aliases included.
func h100Node() *device.NodeInventory {
	inv := devicetest.Node("n1", 2, 81559)
	inv.Resources = config.DefaultVendors()[config.VendorNVIDIA]
	return inv
}
