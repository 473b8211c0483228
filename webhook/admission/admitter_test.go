package admission_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/webhook/admission"
)

const (
	limits0   = "/spec/containers/0/resources/limits/"
	requests0 = "/spec/containers/0/resources/requests/"
	toHAMi    = `{"op":"add","path":"/spec/schedulerName","value":"hami-scheduler"}`
)

func withDefaults(mem int64, cores int32) *config.Config {
	c := config.Default()
	c.DefaultMem, c.DefaultCores = mem, cores
	return c
}

func TestAdmitMutates(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		pod  *corev1.Pod
		cfg  *config.Config
		opts admission.Options
		want string // the JSONPatch
	}{
		"memory only gets defaultGPUNum and our scheduler": {
			pod:  gpuPod(list("nvidia.com/gpumem", "3000")),
			want: `[{"op":"add","path":"` + limits0 + `nvidia.com~1gpu","value":"1"},` + toHAMi + `]`,
		},
		"cores only gets a count, and no memory when defaultMem is 0 (whole device)": {
			pod:  gpuPod(list("nvidia.com/gpucores", "30")),
			want: `[{"op":"add","path":"` + limits0 + `nvidia.com~1gpu","value":"1"},` + toHAMi + `]`,
		},
		// 4000 is written 4k: the canonical form the apiserver stores anyway.
		"count only: defaultMem and defaultCores": {
			pod: gpuPod(list("nvidia.com/gpu", "2")),
			cfg: withDefaults(4000, 20),
			want: `[{"op":"add","path":"` + limits0 + `nvidia.com~1gpucores","value":"20"},` +
				`{"op":"add","path":"` + limits0 + `nvidia.com~1gpumem","value":"4k"},` + toHAMi + `]`,
		},
		"a percentage keeps defaultMem out": {
			pod:  gpuPod(list("nvidia.com/gpu", "1", "nvidia.com/gpumem-percentage", "50")),
			cfg:  withDefaults(4000, 0),
			want: `[` + toHAMi + `]`,
		},
		"given cores win over defaultCores": {
			pod:  gpuPod(list("nvidia.com/gpu", "1", "nvidia.com/gpucores", "0")),
			cfg:  withDefaults(0, 20),
			want: `[` + toHAMi + `]`,
		},
		"requests mirrored where the pod has them": {
			pod: withRequests(gpuPod(list("nvidia.com/gpumem", "3000", "cpu", "1"))),
			want: `[{"op":"add","path":"` + limits0 + `nvidia.com~1gpu","value":"1"},` +
				`{"op":"add","path":"` + requests0 + `nvidia.com~1gpu","value":"1"},` + toHAMi + `]`,
		},
		"volcano aliases become our names": {
			pod: withRequests(gpuPod(list("volcano.sh/vgpu-number", "1", "volcano.sh/vgpu-memory", "2048", "volcano.sh/vgpu-cores", "20"))),
			want: `[{"op":"remove","path":"` + limits0 + `volcano.sh~1vgpu-cores"},` +
				`{"op":"remove","path":"` + limits0 + `volcano.sh~1vgpu-memory"},` +
				`{"op":"remove","path":"` + limits0 + `volcano.sh~1vgpu-number"},` +
				`{"op":"add","path":"` + limits0 + `nvidia.com~1gpu","value":"1"},` +
				`{"op":"add","path":"` + limits0 + `nvidia.com~1gpucores","value":"20"},` +
				`{"op":"add","path":"` + limits0 + `nvidia.com~1gpumem","value":"2048"},` +
				`{"op":"remove","path":"` + requests0 + `volcano.sh~1vgpu-cores"},` +
				`{"op":"remove","path":"` + requests0 + `volcano.sh~1vgpu-memory"},` +
				`{"op":"remove","path":"` + requests0 + `volcano.sh~1vgpu-number"},` +
				`{"op":"add","path":"` + requests0 + `nvidia.com~1gpu","value":"1"},` +
				`{"op":"add","path":"` + requests0 + `nvidia.com~1gpucores","value":"20"},` +
				`{"op":"add","path":"` + requests0 + `nvidia.com~1gpumem","value":"2048"},` + toHAMi + `]`,
		},
		"HAMi's sMLU memory units become MiB": {
			pod: gpuPod(list("cambricon.com/vmlu", "1", "cambricon.com/mlu.smlu.vmemory", "4", "cambricon.com/mlu.smlu.vcore", "25")),
			want: `[{"op":"remove","path":"` + limits0 + `cambricon.com~1mlu.smlu.vmemory"},` +
				`{"op":"remove","path":"` + limits0 + `cambricon.com~1vmlu"},` +
				`{"op":"add","path":"` + limits0 + `cambricon.com~1mlumem","value":"1024"},` +
				`{"op":"add","path":"` + limits0 + `cambricon.com~1mlunum","value":"1"},` + toHAMi + `]`,
		},
		"requests only: limits are added": {
			pod: func() *corev1.Pod {
				p := gpuPod(nil)
				p.Spec.Containers[0].Resources.Requests = list("nvidia.com/gpu", "1")
				return p
			}(),
			want: `[{"op":"add","path":"/spec/containers/0/resources/limits","value":{"nvidia.com/gpu":"1"}},` + toHAMi + `]`,
		},
		"init container and a second vendor": {
			pod: func() *corev1.Pod {
				p := gpuPod(list("cambricon.com/mlumem", "1024"))
				p.Spec.InitContainers = []corev1.Container{{Name: "warm", Resources: corev1.ResourceRequirements{Limits: list("nvidia.com/gpucores", "10")}}}
				return p
			}(),
			want: `[{"op":"add","path":"/spec/initContainers/0/resources/limits/nvidia.com~1gpu","value":"1"},` +
				`{"op":"add","path":"` + limits0 + `cambricon.com~1mlunum","value":"1"},` + toHAMi + `]`,
		},
		"a quantity written differently is rewritten by value only when it differs": {
			pod:  gpuPod(list("nvidia.com/gpu", "1", "nvidia.com/gpumem", "3e3")),
			want: `[` + toHAMi + `]`,
		},
		"an allowlisted scheduler is kept": {
			pod: func() *corev1.Pod {
				p := gpuPod(list("nvidia.com/gpu", "1"))
				p.Spec.SchedulerName = "volcano"
				return p
			}(),
			opts: admission.Options{AllowedSchedulers: []string{"volcano"}},
			want: `null`,
		},
		"a configured scheduler name": {
			pod:  gpuPod(list("nvidia.com/gpu", "1")),
			opts: admission.Options{SchedulerName: "gpu-scheduler"},
			want: `[{"op":"add","path":"/spec/schedulerName","value":"gpu-scheduler"}]`,
		},
		"memory within the largest device": {
			pod:  gpuPod(list("nvidia.com/gpu", "1", "nvidia.com/gpumem", "81559")),
			want: `[` + toHAMi + `]`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := newAdmitter(t, tc.cfg, tc.opts)
			d := admit(a, tc.pod)
			require.Empty(t, d.Errors)
			got, err := d.Patch.JSON()
			require.NoError(t, err)
			require.JSONEq(t, tc.want, string(got))
			wantResult := admission.Mutated
			if len(d.Patch) == 0 {
				wantResult = admission.Allowed
			}
			require.Equal(t, wantResult, d.Result)

			// Idempotent: the mutated pod comes back unchanged.
			again := admit(a, applyPatch(t, tc.pod, d.Patch))
			require.Equal(t, admission.Allowed, again.Result, "second patch: %+v", again.Patch)
			require.Empty(t, again.Patch)
		})
	}
}

func TestAdmitRefuses(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		pod  *corev1.Pod
		want []string // each must appear in the message
	}{
		"memory in MiB and in percent": {
			pod:  gpuPod(list("nvidia.com/gpumem", "1000", "nvidia.com/gpumem-percentage", "50")),
			want: []string{"spec.containers[0].resources.limits[nvidia.com/gpumem-percentage]", "memory given both in MiB (nvidia.com/gpumem) and in percent: keep one"},
		},
		"negative memory": {
			pod:  gpuPod(list("nvidia.com/gpumem", "-1")),
			want: []string{"spec.containers[0].resources.limits[nvidia.com/gpumem]", "must not be negative"},
		},
		"fractional count": {
			pod:  gpuPod(list("nvidia.com/gpu", "500m")),
			want: []string{"spec.containers[0].resources.limits[nvidia.com/gpu]", "must be a whole number"},
		},
		"percent above 100": {
			pod:  gpuPod(list("nvidia.com/gpumem-percentage", "101")),
			want: []string{"spec.containers[0].resources.limits[nvidia.com/gpumem-percentage]", "at most 100"},
		},
		"cores above 100": {
			pod:  gpuPod(list("nvidia.com/gpucores", "150")),
			want: []string{"spec.containers[0].resources.limits[nvidia.com/gpucores]", "at most 100"},
		},
		"more memory than the largest device": {
			pod:  gpuPod(list("nvidia.com/gpu", "1", "nvidia.com/gpumem", "100000")),
			want: []string{"spec.containers[0].resources.limits[nvidia.com/gpumem]", "largest nvidia device in the cluster (81559 MiB)", "ask for at most 81559 MiB"},
		},
		"more memory than the largest device, through an alias": {
			pod:  gpuPod(list("volcano.sh/vgpu-memory", "100000")),
			want: []string{"spec.containers[0].resources.limits[volcano.sh/vgpu-memory]", "81559 MiB"},
		},
		"privileged container asking for a device": {
			pod: func() *corev1.Pod {
				p := gpuPod(list("nvidia.com/gpu", "1"))
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: new(true)}
				return p
			}(),
			want: []string{"spec.containers[0].securityContext.privileged", "bypasses the isolation", "remove privileged: true"},
		},
		"nodeName set": {
			pod: func() *corev1.Pod {
				p := gpuPod(list("nvidia.com/gpu", "1"))
				p.Spec.NodeName = "n1"
				return p
			}(),
			want: []string{"spec.nodeName", "bypasses the scheduler", "remove spec.nodeName"},
		},
		"a vgpu-mode that is no mode name": {
			pod: func() *corev1.Pod {
				p := gpuPod(list("nvidia.com/gpu", "1"))
				p.Annotations = map[string]string{"nvidia.com/vgpu-mode": "Turbo Mode"}
				return p
			}(),
			want: []string{`metadata.annotations[nvidia.com/vgpu-mode]: Invalid value: "Turbo Mode"`, `hami-core`},
		},
		"memory on several MLUs": {
			pod:  gpuPod(list("cambricon.com/mlunum", "2", "cambricon.com/mlumem", "1024")),
			want: []string{"spec.containers[0].resources.limits[cambricon.com/mlumem]", "more than one device means whole devices", "remove cambricon.com/mlumem"},
		},
		"no MLU but MLU memory": {
			pod:  gpuPod(list("cambricon.com/mlunum", "0", "cambricon.com/mlumem", "1024")),
			want: []string{"spec.containers[0].resources.limits[cambricon.com/mlunum]", "set a count of at least 1"},
		},
		"DCU cores above 100": {
			pod:  gpuPod(list("hygon.com/dcunum", "1", "hygon.com/dcucores", "101")),
			want: []string{"spec.containers[0].resources.limits[hygon.com/dcucores]", "at most 100"},
		},
		"every problem at once": {
			pod: func() *corev1.Pod {
				p := gpuPod(list("nvidia.com/gpucores", "150"))
				p.Spec.NodeName = "n1"
				return p
			}(),
			want: []string{"spec.nodeName", "nvidia.com/gpucores"},
		},
	}
	a := newAdmitter(t, nil, admission.Options{})
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := admit(a, tc.pod)
			require.Equal(t, admission.Refused, d.Result)
			require.Empty(t, d.Patch)
			for _, w := range tc.want {
				require.Contains(t, d.Message(), w)
			}
		})
	}
}

func TestAdmitSkips(t *testing.T) {
	t.Parallel()
	ignored := gpuPod(list("nvidia.com/gpu", "1"))
	ignored.Labels = map[string]string{admission.LabelWebhook: admission.LabelIgnore}
	system := gpuPod(list("nvidia.com/gpu", "1"))
	system.Namespace = "kube-system"
	tests := map[string]struct {
		req  admission.Request
		opts admission.Options
	}{
		"kube-system by default":        {req: admission.Request{Operation: admissionv1.Create, Namespace: "kube-system", Pod: system}},
		"an opted-out namespace":        {req: admission.Request{Operation: admissionv1.Create, Namespace: "batch", Pod: gpuPod(list("nvidia.com/gpu", "-1"))}, opts: admission.Options{IgnoredNamespaces: []string{"batch"}}},
		"the ignore label":              {req: admission.Request{Operation: admissionv1.Create, Namespace: "team-a", Pod: ignored}},
		"no managed resource":           {req: admission.Request{Operation: admissionv1.Create, Namespace: "team-a", Pod: gpuPod(list("cpu", "1"))}},
		"not a create":                  {req: admission.Request{Operation: admissionv1.Update, Namespace: "team-a", Pod: gpuPod(list("nvidia.com/gpu", "1"))}},
		"a count of 0 alone is nothing": {req: admission.Request{Operation: admissionv1.Create, Namespace: "team-a", Pod: gpuPod(list("nvidia.com/gpu", "0"))}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := newAdmitter(t, nil, tc.opts).Admit(t.Context(), tc.req)
			if name == "a count of 0 alone is nothing" {
				// Ours (it names our resource) but it asks for no device:
				// routed, nothing else changed.
				require.Equal(t, admission.Mutated, d.Result)
				got, _ := json.Marshal(d.Patch)
				require.JSONEq(t, `[`+toHAMi+`]`, string(got))
				return
			}
			require.Equal(t, admission.Skipped, d.Result, d.Reason)
			require.Empty(t, d.Patch)
			require.NotEmpty(t, d.Reason)
		})
	}
}

func TestAdmitWarnsOnUnknownModel(t *testing.T) {
	t.Parallel()
	a := newAdmitter(t, nil, admission.Options{})
	pod := gpuPod(list("nvidia.com/gpu", "1"))
	pod.Annotations = map[string]string{"nvidia.com/use-gputype": "h100,B200"}
	d := admit(a, pod)
	require.Equal(t, admission.Mutated, d.Result)
	require.Equal(t, []string{`metadata.annotations[nvidia.com/use-gputype]: no nvidia device of model "B200" in the cluster (models: NVIDIA H100 80GB HBM3); the pod stays pending until one joins`}, d.Warnings)
}

func TestAdmitWarnsOnAModeNoDeviceOffers(t *testing.T) {
	t.Parallel()
	a := newAdmitter(t, nil, admission.Options{})
	pod := gpuPod(list("nvidia.com/gpu", "1"))
	pod.Annotations = map[string]string{"nvidia.com/vgpu-mode": "turbo"}
	d := admit(a, pod)
	require.Equal(t, admission.Mutated, d.Result)
	require.Len(t, d.Warnings, 1)
	require.Contains(t, d.Warnings[0], `metadata.annotations[nvidia.com/vgpu-mode]: no nvidia device in the cluster offers mode "turbo" (modes: exclusive, hami-core`)
}

func TestAdmitWithoutInventory(t *testing.T) {
	t.Parallel()
	a, err := admission.New(config.Default(), nil, admission.Options{})
	require.NoError(t, err)
	pod := gpuPod(list("nvidia.com/gpu", "1", "nvidia.com/gpumem", "999999"))
	pod.Annotations = map[string]string{"nvidia.com/use-gputype": "B200"}
	d := admit(a, pod)
	require.Equal(t, admission.Mutated, d.Result, "no inventory yet: no memory ceiling, no model warning")
	require.Empty(t, d.Warnings)
}
