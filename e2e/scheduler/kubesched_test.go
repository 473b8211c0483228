package scheduler_test

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	schedv1 "k8s.io/kube-scheduler/config/v1"
	"k8s.io/utils/ptr"
)

// profile is the kube-scheduler profile that uses the extender; pods name it
// in schedulerName (the webhook would set it; it is not part of these tests).
const profile = "hami-scheduler"

// schedulerConfig is kube-scheduler's config with the extender. The default
// profile stays for plain pods. With gpuScoresOnly the hami profile turns
// off the in-tree scores that look at CPU, memory and images: they are
// equal for these pods on identical nodes bar rounding, and the node-policy
// scenarios check the extender's scores alone decide.
func schedulerConfig(extenderURL string, gpuScoresOnly bool) *schedv1.KubeSchedulerConfiguration {
	hami := schedv1.KubeSchedulerProfile{SchedulerName: ptr.To(profile)}
	if gpuScoresOnly {
		hami.Plugins = &schedv1.Plugins{Score: schedv1.PluginSet{Disabled: []schedv1.Plugin{
			{Name: "NodeResourcesFit"}, {Name: "NodeResourcesBalancedAllocation"}, {Name: "ImageLocality"},
		}}}
	}
	return &schedv1.KubeSchedulerConfiguration{
		// Pods the extender refused come back after the backoff; keep it
		// short so a scenario waits seconds, not tens of seconds.
		PodInitialBackoffSeconds: ptr.To[int64](1),
		PodMaxBackoffSeconds:     ptr.To[int64](2),
		Profiles:                 []schedv1.KubeSchedulerProfile{{SchedulerName: ptr.To("default-scheduler")}, hami},
		Extenders: []schedv1.Extender{{
			URLPrefix:        extenderURL,
			FilterVerb:       "filter",
			PrioritizeVerb:   "prioritize",
			BindVerb:         "bind",
			Weight:           1,
			NodeCacheCapable: true,
			EnableHTTPS:      false,
			HTTPTimeout:      metav1.Duration{Duration: 30 * time.Second},
			// Ignored by kube-scheduler's own fit check: the kubelet
			// advertises only the device count, and memory and cores are
			// the extender's to judge.
			ManagedResources: []schedv1.ExtenderManagedResource{
				{Name: "nvidia.com/gpu", IgnoredByScheduler: true},
				{Name: "nvidia.com/gpumem", IgnoredByScheduler: true},
				{Name: "nvidia.com/gpumem-percentage", IgnoredByScheduler: true},
				{Name: "nvidia.com/gpucores", IgnoredByScheduler: true},
			},
		}},
	}
}
