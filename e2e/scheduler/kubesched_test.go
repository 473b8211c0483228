package scheduler_test

import (
	schedv1 "k8s.io/kube-scheduler/config/v1"
	"k8s.io/utils/ptr"

	"github.com/hami-project/hami/e2e/demo"
)

// profile is the kube-scheduler profile that uses the extender; pods name it
// in schedulerName (the webhook would set it; it is not part of these tests).
const profile = demo.SchedulerName

// nodeChoice is hami-scheduler's --node-choice.
type nodeChoice string

const (
	best     nodeChoice = "best"
	weighted nodeChoice = "weighted"
)

// schedulerConfig is the kube-scheduler config an operator writes (the
// demo's) for hami's node choice, with shorter backoffs: pods the extender
// refused come back after seconds, not tens of seconds. For weighted it
// adds the prioritize verb and turns off the hami profile's in-tree
// scores that look at CPU, memory and images, which would otherwise
// outweigh the node policy (they are equal for these pods on identical
// nodes bar rounding): the node-policy scenario then checks that
// kube-scheduler follows the extender's scores. best needs neither.
func schedulerConfig(hami *hamiScheduler, choice nodeChoice) *schedv1.KubeSchedulerConfiguration {
	cfg := demo.KubeSchedulerConfig(hami.url(), hami.c.CA().CertPEM())
	cfg.PodInitialBackoffSeconds = ptr.To[int64](1)
	cfg.PodMaxBackoffSeconds = ptr.To[int64](2)
	if choice == weighted {
		cfg.Extenders[0].PrioritizeVerb = "prioritize"
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
