package scheduler_test

import (
	"os"
	"strings"
	"testing"

	schedv1 "k8s.io/kube-scheduler/config/v1"
	"k8s.io/utils/ptr"

	"github.com/hami-project/hami/e2e/demo"
)

// frontEnd is how hami-scheduler meets kube-scheduler.
type frontEnd string

const (
	// pluginFrontEnd: hami-scheduler is kube-scheduler with the HAMi
	// plugin compiled in (the default).
	pluginFrontEnd frontEnd = "plugin"
	// extenderFrontEnd: an unmodified kube-scheduler calls
	// `hami-scheduler extender` over HTTPS.
	extenderFrontEnd frontEnd = "extender"
)

// frontEndsToRun is both front ends, or those HAMI_E2E_FRONTENDS lists.
func frontEndsToRun(t *testing.T) []frontEnd {
	t.Helper()
	v := os.Getenv("HAMI_E2E_FRONTENDS")
	if v == "" {
		return []frontEnd{pluginFrontEnd, extenderFrontEnd}
	}
	var out []frontEnd
	for _, name := range strings.Split(v, ",") {
		fe := frontEnd(strings.TrimSpace(name))
		if fe != pluginFrontEnd && fe != extenderFrontEnd {
			t.Fatalf("HAMI_E2E_FRONTENDS: %q is neither %q nor %q", fe, pluginFrontEnd, extenderFrontEnd)
		}
		out = append(out, fe)
	}
	return out
}

// pluginSchedulerConfig is the configuration hami-scheduler prints as its
// default, with the test's short backoffs; for weighted it turns off the
// hami profile's in-tree scores, as schedulerConfig does for the extender.
func pluginSchedulerConfig(bin string, choice nodeChoice) (*schedv1.KubeSchedulerConfiguration, error) {
	cfg, err := demo.PluginSchedulerConfig(bin)
	if err != nil {
		return nil, err
	}
	cfg.PodInitialBackoffSeconds = ptr.To[int64](1)
	cfg.PodMaxBackoffSeconds = ptr.To[int64](2)
	if choice == weighted {
		for i := range cfg.Profiles {
			if *cfg.Profiles[i].SchedulerName == profile {
				p := &cfg.Profiles[i].Plugins.Score
				p.Disabled = append(p.Disabled, schedv1.Plugin{Name: "NodeResourcesFit"},
					schedv1.Plugin{Name: "NodeResourcesBalancedAllocation"}, schedv1.Plugin{Name: "ImageLocality"})
			}
		}
	}
	return cfg, nil
}

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
