package scheduler_test

import (
	schedv1 "k8s.io/kube-scheduler/config/v1"
	"k8s.io/utils/ptr"

	"github.com/hami-project/hami/e2e/demo"
)

// profile is the kube-scheduler profile that uses the extender; pods name it
// in schedulerName (the webhook would set it; it is not part of these tests).
const profile = demo.SchedulerName

// schedulerConfig is the kube-scheduler config an operator writes (the
// demo's), with two changes for tests. Pods the extender refused come back
// after a backoff of seconds, not tens of seconds. With gpuScoresOnly the
// hami profile turns off the in-tree scores that look at CPU, memory and
// images: they are equal for these pods on identical nodes bar rounding,
// and the node-policy scenarios check the extender's scores alone decide.
func schedulerConfig(hami *hamiScheduler, gpuScoresOnly bool) *schedv1.KubeSchedulerConfiguration {
	cfg := demo.KubeSchedulerConfig(hami.url(), hami.c.CA().CertPEM())
	cfg.PodInitialBackoffSeconds = ptr.To[int64](1)
	cfg.PodMaxBackoffSeconds = ptr.To[int64](2)
	if gpuScoresOnly {
		for i := range cfg.Profiles {
			if *cfg.Profiles[i].SchedulerName == profile {
				cfg.Profiles[i].Plugins = &schedv1.Plugins{Score: schedv1.PluginSet{Disabled: []schedv1.Plugin{
					{Name: "NodeResourcesFit"}, {Name: "NodeResourcesBalancedAllocation"}, {Name: "ImageLocality"},
				}}}
			}
		}
	}
	return cfg
}
