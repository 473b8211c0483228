package request_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/request"
)

func registry(t testing.TB) *request.Registry {
	t.Helper()
	r, err := request.NewRegistry(config.DefaultVendors())
	require.NoError(t, err)
	return r
}

func podWith(limits map[string]string) *corev1.Pod {
	l := corev1.ResourceList{}
	for k, v := range limits {
		l[corev1.ResourceName(k)] = resource.MustParse(v)
	}
	return &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Resources: corev1.ResourceRequirements{Limits: l}}}}}
}

var defaults = request.Defaults{Count: 1}

func TestParseEveryVendorsNames(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		limits map[string]string
		want   request.Request
	}{
		"nvidia":                  {map[string]string{"nvidia.com/gpu": "2", "nvidia.com/gpumem": "3000", "nvidia.com/gpucores": "30"}, request.Request{Vendor: "nvidia", Count: 2, MemoryMiB: 3000, Cores: 30}},
		"nvidia percent":          {map[string]string{"nvidia.com/gpu": "1", "nvidia.com/gpumem-percentage": "50"}, request.Request{Vendor: "nvidia", Count: 1, MemoryPercent: 50}},
		"volcano aliases":         {map[string]string{"volcano.sh/vgpu-number": "1", "volcano.sh/vgpu-memory": "2048", "volcano.sh/vgpu-cores": "20"}, request.Request{Vendor: "nvidia", Count: 1, MemoryMiB: 2048, Cores: 20}},
		"cambricon":               {map[string]string{"cambricon.com/mlunum": "1", "cambricon.com/mlumem": "4096"}, request.Request{Vendor: "cambricon", Count: 1, MemoryMiB: 4096, Cores: 100}},
		"cambricon smlu aliases":  {map[string]string{"cambricon.com/vmlu": "1", "cambricon.com/mlu.smlu.vmemory": "4", "cambricon.com/mlu.smlu.vcore": "25"}, request.Request{Vendor: "cambricon", Count: 1, MemoryMiB: 1024, Cores: 25}},
		"cambricon whole cards":   {map[string]string{"cambricon.com/mlunum": "2"}, request.Request{Vendor: "cambricon", Count: 2, MemoryPercent: 100, Cores: 100}},
		"hygon cores default":     {map[string]string{"hygon.com/dcunum": "1", "hygon.com/dcumem": "2000"}, request.Request{Vendor: "hygon", Count: 1, MemoryMiB: 2000, Cores: 100}},
		"hygon":                   {map[string]string{"hygon.com/dcunum": "1", "hygon.com/dcumem": "2000", "hygon.com/dcucores": "15"}, request.Request{Vendor: "hygon", Count: 1, MemoryMiB: 2000, Cores: 15}},
		"ascend 910B template":    {map[string]string{"huawei.com/Ascend910B": "1", "huawei.com/Ascend910B-memory": "16384"}, request.Request{Vendor: "ascend910b", Count: 1, MemoryMiB: 16384}},
		"ascend 310P aicore":      {map[string]string{"huawei.com/Ascend310P": "1", "huawei.com/Ascend310P-memory": "4096", "huawei.com/Ascend310P-aicore": "25"}, request.Request{Vendor: "ascend310p", Count: 1, MemoryMiB: 4096, Cores: 25}},
		"ascend 910A":             {map[string]string{"huawei.com/Ascend910A": "1"}, request.Request{Vendor: "ascend910a", Count: 1, MemoryPercent: 100}},
		"iluvatar":                {map[string]string{"iluvatar.ai/vgpu": "1", "iluvatar.ai/vcuda-memory": "1000", "iluvatar.ai/vcuda-core": "10"}, request.Request{Vendor: "iluvatar", Count: 1, MemoryMiB: 1000, Cores: 10}},
		"moore threads":           {map[string]string{"mthreads.com/vgpu": "1", "mthreads.com/sgpu-memory": "1000", "mthreads.com/sgpu-core": "10"}, request.Request{Vendor: "mthreads", Count: 1, MemoryMiB: 1000, Cores: 10}},
		"metax":                   {map[string]string{"metax-tech.com/sgpu": "1", "metax-tech.com/vmemory": "1000", "metax-tech.com/vcore": "10"}, request.Request{Vendor: "metax", Count: 1, MemoryMiB: 1000, Cores: 10}},
		"other resources ignored": {map[string]string{"cpu": "2", "nvidia.com/gpu": "1", "nvidia.com/gpumem": "100"}, request.Request{Vendor: "nvidia", Count: 1, MemoryMiB: 100}},
	}
	r := registry(t)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := r.ParsePod(podWith(tc.limits), defaults)
			require.NoError(t, err)
			require.Len(t, p.Containers, 1)
			require.Equal(t, []request.Request{tc.want}, p.Containers[0].Requests)
		})
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		limits map[string]string
		d      request.Defaults
		want   request.Request
	}{
		"count only: whole device memory, default cores": {map[string]string{"nvidia.com/gpu": "1"}, request.Defaults{Count: 1, Cores: 5}, request.Request{Vendor: "nvidia", Count: 1, MemoryPercent: 100, Cores: 5}},
		"count only with defaultMem":                     {map[string]string{"nvidia.com/gpu": "1"}, request.Defaults{Count: 1, MemoryMiB: 4000}, request.Request{Vendor: "nvidia", Count: 1, MemoryMiB: 4000}},
		"memory only gets defaultGPUNum":                 {map[string]string{"nvidia.com/gpumem": "3000"}, request.Defaults{Count: 2}, request.Request{Vendor: "nvidia", Count: 2, MemoryMiB: 3000}},
		"cores only gets count and memory":               {map[string]string{"nvidia.com/gpucores": "30"}, request.Defaults{Count: 1}, request.Request{Vendor: "nvidia", Count: 1, MemoryPercent: 100, Cores: 30}},
		"given cores win over defaultCores":              {map[string]string{"nvidia.com/gpu": "1", "nvidia.com/gpucores": "0"}, request.Defaults{Count: 1, Cores: 20}, request.Request{Vendor: "nvidia", Count: 1, MemoryPercent: 100}},
	}
	r := registry(t)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := r.ParsePod(podWith(tc.limits), tc.d)
			require.NoError(t, err)
			require.Equal(t, []request.Request{tc.want}, p.Containers[0].Requests)
		})
	}
}

func TestParseRefusesBadQuantities(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		limits map[string]string
		errMsg string
	}{
		"MiB and percent": {map[string]string{"nvidia.com/gpumem": "1000", "nvidia.com/gpumem-percentage": "50"}, `spec.containers[0].resources.limits[nvidia.com/gpumem-percentage]: Invalid value: 50: memory given both in MiB (nvidia.com/gpumem) and in percent: keep one`},
		"negative":        {map[string]string{"nvidia.com/gpumem": "-1"}, `spec.containers[0].resources.limits[nvidia.com/gpumem]: Invalid value: "-1": must not be negative`},
		"fraction":        {map[string]string{"nvidia.com/gpu": "500m"}, `spec.containers[0].resources.limits[nvidia.com/gpu]: Invalid value: "500m": must be a whole number`},
		"percent over":    {map[string]string{"nvidia.com/gpumem-percentage": "101"}, `spec.containers[0].resources.limits[nvidia.com/gpumem-percentage]: Invalid value: 101: a percentage of device memory must be at most 100`},
		"cores over":      {map[string]string{"nvidia.com/gpucores": "150"}, `spec.containers[0].resources.limits[nvidia.com/gpucores]: Invalid value: 150: cores are a percentage of one device: at most 100`},
		"zero count":      {map[string]string{"nvidia.com/gpu": "0", "nvidia.com/gpumem": "10"}, `spec.containers[0].resources.limits[nvidia.com/gpu]: Invalid value: 0: device count is 0 but memory or cores are requested: set a count of at least 1 or remove them`},
		"huge count":      {map[string]string{"cambricon.com/vmlu": "11e10"}, `a device count must be at most 65536`},
		"alias twice":     {map[string]string{"nvidia.com/gpumem": "10", "volcano.sh/vgpu-memory": "10"}, `same quantity as nvidia.com/gpumem given twice: keep one`},
		"memory on several MLUs": {map[string]string{"cambricon.com/mlunum": "2", "cambricon.com/mlumem": "1024"},
			`spec.containers[0].resources.limits[cambricon.com/mlumem]: Invalid value: 1024: more than one device means whole devices: ask for one device to share it, or remove cambricon.com/mlumem`},
		"cores on several DCUs": {map[string]string{"hygon.com/dcunum": "2", "hygon.com/dcucores": "50"},
			`limits[hygon.com/dcucores]: Invalid value: 50: more than one device means whole devices`},
		"zero MLUs with memory": {map[string]string{"cambricon.com/mlunum": "0", "cambricon.com/mlumem": "1024"},
			`limits[cambricon.com/mlunum]: Invalid value: 0: device count is 0 but memory or cores are requested`},
		"DCU cores over 100": {map[string]string{"hygon.com/dcunum": "1", "hygon.com/dcucores": "101"},
			`limits[hygon.com/dcucores]: Invalid value: 101: cores are a percentage of one device: at most 100`},
		"smlu units overflow": {map[string]string{"cambricon.com/vmlu": "1", "cambricon.com/mlu.smlu.vmemory": "1e12"}, `too large`},
	}
	r := registry(t)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := r.ParsePod(podWith(tc.limits), defaults)
			require.ErrorContains(t, err, tc.errMsg)
		})
	}
}

func TestParseInitContainersAndSeveralVendors(t *testing.T) {
	t.Parallel()
	pod := podWith(map[string]string{"nvidia.com/gpu": "1", "cambricon.com/mlunum": "1"})
	pod.Spec.InitContainers = []corev1.Container{{Name: "warmup", Resources: corev1.ResourceRequirements{
		Limits: corev1.ResourceList{"nvidia.com/gpumem": resource.MustParse("100")},
	}}}
	pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: "sidecar"})
	p, err := registry(t).ParsePod(pod, defaults)
	require.NoError(t, err)
	require.Len(t, p.Containers, 2, "the sidecar asks for nothing")
	require.True(t, p.Containers[0].Init)
	require.Equal(t, "warmup", p.Containers[0].Name)
	require.Equal(t, []string{"cambricon", "nvidia"}, []string{p.Containers[1].Requests[0].Vendor, p.Containers[1].Requests[1].Vendor})
	require.Equal(t, []string{"nvidia", "cambricon"}, p.Vendors())
}

func TestParseAnnotations(t *testing.T) {
	t.Parallel()
	r := registry(t)
	pod := podWith(map[string]string{"nvidia.com/gpu": "1"})
	pod.Annotations = map[string]string{
		"nvidia.com/use-gputype":       "A100, H100",
		"nvidia.com/nouse-gpuuuid":     "GPU-1",
		"nvidia.com/vgpu-mode":         "mig",
		"nvidia.com/numa-bind":         "true",
		request.AnnotationNodePolicy:   "spread",
		request.AnnotationDevicePolicy: "topology-aware",
		"cambricon.com/use-mlutype":    "ignored: the pod asks for no MLU",
	}
	p, err := r.ParsePod(pod, defaults)
	require.NoError(t, err)
	require.Equal(t, request.Selection{UseTypes: []string{"A100", "H100"}, NoUseUUIDs: []string{"GPU-1"}, Mode: "mig", NUMABind: true}, p.Selection["nvidia"])
	require.Equal(t, "spread", p.NodePolicy)
	require.Equal(t, "topology-aware", p.DevicePolicy)
	require.NotContains(t, p.Selection, "cambricon")

	pod.Annotations = map[string]string{"nvidia.com/vgpu-mode": "Turbo!", request.AnnotationNodePolicy: "random"}
	_, err = r.ParsePod(pod, defaults)
	require.ErrorContains(t, err, `metadata.annotations[nvidia.com/vgpu-mode]: Invalid value: "Turbo!": a device mode such as hami-core`)
	require.ErrorContains(t, err, `metadata.annotations[hami.io/node-scheduler-policy]: Unsupported value: "random"`)
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	r := registry(t)
	require.True(t, r.Manages(podWith(map[string]string{"volcano.sh/vgpu-number": "1"})))
	require.False(t, r.Manages(podWith(map[string]string{"cpu": "1"})))

	vendors := config.DefaultVendors()
	mlu := vendors["cambricon"]
	mlu.Count = "nvidia.com/gpu"
	vendors["cambricon"] = mlu
	_, err := request.NewRegistry(vendors)
	require.ErrorContains(t, err, "resource nvidia.com/gpu is claimed by vendors cambricon and nvidia")
}

func FuzzParsePod(f *testing.F) {
	f.Add("nvidia.com/gpu", "1", "nvidia.com/gpumem", "3000", "hami.io/gpu-scheduler-policy", "spread")
	f.Add("nvidia.com/gpumem-percentage", "101", "volcano.sh/vgpu-memory", "-1", "nvidia.com/vgpu-mode", "mig")
	f.Add("cambricon.com/vmlu", "1e3", "hygon.com/dcucores", "0.5", "nvidia.com/numa-bind", "maybe")
	r := registry(f)
	f.Fuzz(func(t *testing.T, n1, q1, n2, q2, ak, av string) {
		pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}}
		pod.Annotations = map[string]string{ak: av}
		l := corev1.ResourceList{}
		for _, kv := range [][2]string{{n1, q1}, {n2, q2}} {
			if q, err := resource.ParseQuantity(kv[1]); err == nil {
				l[corev1.ResourceName(kv[0])] = q
			}
		}
		pod.Spec.Containers[0].Resources.Limits = l
		p, err := r.ParsePod(pod, request.Defaults{Count: 1})
		if err != nil {
			return
		}
		for _, c := range p.Containers {
			for _, q := range c.Requests {
				if q.Count < 1 || q.Cores < 0 || q.Cores > 100 || (q.MemoryMiB > 0) == (q.MemoryPercent > 0) {
					t.Fatalf("parsed an invalid request %+v", q)
				}
			}
		}
	})
}

func TestMergeKeepsConfiguredAliases(t *testing.T) {
	t.Parallel()
	cfg := config.DefaultVendors()
	inv := devicetest.Node("n1", 1, 1000)
	inv.Resources.Aliases = []device.Alias{{Name: "example.com/vgpu", Role: device.RoleCount}}
	inv.Resources.Annotations = device.Selector{Mode: "nvidia.com/mode"}
	merged := request.Merge(cfg, inv)["nvidia"]
	require.Equal(t, "nvidia.com/gpu", merged.Count)
	require.Contains(t, merged.Aliases, device.Alias{Name: "example.com/vgpu", Role: device.RoleCount})
	require.Contains(t, merged.Aliases, device.Alias{Name: "volcano.sh/vgpu-memory", Role: device.RoleMemory})
	require.Equal(t, "nvidia.com/mode", merged.Annotations.Mode)
	require.Equal(t, "nvidia.com/use-gputype", merged.Annotations.UseType)

	r, err := request.NewRegistry(request.Merge(cfg, inv))
	require.NoError(t, err)
	vendor, role, ok := r.Lookup("volcano.sh/vgpu-number")
	require.True(t, ok)
	require.Equal(t, "nvidia", vendor)
	require.Equal(t, device.RoleCount, role)
}
