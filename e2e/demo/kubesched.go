package demo

import (
	"fmt"
	"os/exec"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	schedv1 "k8s.io/kube-scheduler/config/v1"
	"k8s.io/utils/ptr"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/e2e/harness"
)

// PluginSchedulerConfig is the KubeSchedulerConfiguration hami-scheduler
// (the binary bin) runs when given none, as `hami-scheduler default-config`
// prints it: a profile of our name with the HAMi plugin, and
// NodeResourcesFit ignoring the vendors' resource groups.
func PluginSchedulerConfig(bin string) (*schedv1.KubeSchedulerConfiguration, error) {
	out, err := exec.Command(bin, "default-config").Output()
	if err != nil {
		return nil, fmt.Errorf("%s default-config: %w", bin, err)
	}
	return harness.ParseSchedulerConfig(out)
}

// SchedulerName is the kube-scheduler profile that consults hami-scheduler;
// the webhook routes device pods to it.
const SchedulerName = "hami-scheduler"

// KubeSchedulerConfig is what an operator writes to put the extender behind
// kube-scheduler: a profile of our name, the extender's verbs, and our
// resources marked ignoredByScheduler (the extender owns their accounting;
// the kubelet drops requested extended resources no device plugin
// advertises, which is how memory and cores pass admission). There is no
// prioritizeVerb: hami-scheduler's default --node-choice=best lets through
// only the nodes the pod's node policy scores highest, so kube-scheduler
// calls it once per pod before bind. caPEM, when
// not nil, is the CA that signed the extender's serving certificate: the
// extender is then reached over HTTPS, where kube-scheduler's calls share
// one HTTP/2 connection.
func KubeSchedulerConfig(extenderURL string, caPEM []byte) *schedv1.KubeSchedulerConfiguration {
	var managed []schedv1.ExtenderManagedResource
	for _, name := range config.ResourceNamesOf(config.DefaultVendors()[config.VendorNVIDIA]) {
		managed = append(managed, schedv1.ExtenderManagedResource{Name: name, IgnoredByScheduler: true})
	}
	var tlsConfig *schedv1.ExtenderTLSConfig
	if caPEM != nil {
		tlsConfig = &schedv1.ExtenderTLSConfig{CAData: caPEM}
	}
	return &schedv1.KubeSchedulerConfiguration{
		Profiles: []schedv1.KubeSchedulerProfile{
			{SchedulerName: ptr.To("default-scheduler")},
			{SchedulerName: ptr.To(SchedulerName)},
		},
		Extenders: []schedv1.Extender{{
			URLPrefix:        extenderURL,
			FilterVerb:       "filter",
			BindVerb:         "bind",
			Weight:           1,
			EnableHTTPS:      caPEM != nil,
			NodeCacheCapable: true,
			HTTPTimeout:      metav1.Duration{Duration: 30 * time.Second},
			ManagedResources: managed,
			TLSConfig:        tlsConfig,
		}},
	}
}
