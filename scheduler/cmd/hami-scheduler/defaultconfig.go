package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	schedv1 "k8s.io/kube-scheduler/config/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/scheduler/internal/hamiplugin"
	"github.com/hami-project/hami/scheduler/internal/settings"
)

// profileName is the profile that places device pods; the webhook sets it
// as their schedulerName.
const profileName = "hami-scheduler"

// scoreWeight is the plugin's score weight: above the sum of the weights of
// kube-scheduler's default score plugins (15 in v1.37), so that under the
// best node choice the node policy decides and the others break ties.
const scoreWeight = 20

// defaultConfig is the KubeSchedulerConfiguration the plugin front end runs
// when given none: the default profile as kube-scheduler has it, and a
// hami-scheduler profile with the HAMi plugin at every extension point it
// serves, binding before DefaultBinder, and NodeResourcesFit told to ignore
// every resource group (domain) of the vendors the plugin owns, whose
// accounting is the plugin's.
func defaultConfig(vendors []string) *schedv1.KubeSchedulerConfiguration {
	hami := []schedv1.Plugin{{Name: hamiplugin.Name}}
	return &schedv1.KubeSchedulerConfiguration{
		TypeMeta: metav1.TypeMeta{APIVersion: schedv1.SchemeGroupVersion.String(), Kind: "KubeSchedulerConfiguration"},
		Profiles: []schedv1.KubeSchedulerProfile{
			{SchedulerName: ptr.To("default-scheduler")},
			{
				SchedulerName: ptr.To(profileName),
				Plugins: &schedv1.Plugins{
					PreFilter: schedv1.PluginSet{Enabled: hami},
					Filter:    schedv1.PluginSet{Enabled: hami},
					PreScore:  schedv1.PluginSet{Enabled: hami},
					Score:     schedv1.PluginSet{Enabled: []schedv1.Plugin{{Name: hamiplugin.Name, Weight: ptr.To[int32](scoreWeight)}}},
					Reserve:   schedv1.PluginSet{Enabled: hami},
					Bind: schedv1.PluginSet{
						Enabled:  []schedv1.Plugin{{Name: hamiplugin.Name}, {Name: "DefaultBinder"}},
						Disabled: []schedv1.Plugin{{Name: "DefaultBinder"}},
					},
				},
				PluginConfig: []schedv1.PluginConfig{{
					Name: "NodeResourcesFit",
					Args: runtime.RawExtension{Object: &schedv1.NodeResourcesFitArgs{
						TypeMeta:              metav1.TypeMeta{APIVersion: schedv1.SchemeGroupVersion.String(), Kind: "NodeResourcesFitArgs"},
						IgnoredResourceGroups: vendors,
					}},
				}},
			},
		},
	}
}

// resourceGroups lists the domains of every resource name the configured
// vendors use (nvidia.com, volcano.sh, huawei.com, ...), sorted.
func resourceGroups(cfg *config.Config) []string {
	var out []string
	for _, res := range cfg.Vendors {
		for _, name := range config.ResourceNamesOf(res) {
			if group, _, ok := strings.Cut(name, "/"); ok && !slices.Contains(out, group) {
				out = append(out, group)
			}
		}
	}
	slices.Sort(out)
	return out
}

// defaultConfigYAML renders the default configuration for the vendors of
// the HAMi config file (empty: the built-in defaults).
func defaultConfigYAML(hamiConfig string) ([]byte, error) {
	store, err := settings.Load(hamiConfig)
	if err != nil {
		return nil, err
	}
	doc, err := yaml.Marshal(defaultConfig(resourceGroups(store.Current().Config)))
	if err != nil {
		return nil, fmt.Errorf("encode the default scheduler config: %w", err)
	}
	return doc, nil
}

// printDefaultConfig is `hami-scheduler default-config [--hami-config=FILE]`.
func printDefaultConfig(w io.Writer, args []string) error {
	c, _, err := parsePluginFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	doc, err := defaultConfigYAML(c.ConfigFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-scheduler default-config:", err)
		return err
	}
	_, err = w.Write(doc)
	return err
}

// withDefaultConfig adds --config with the default configuration, written
// to a file in dir, unless args name one.
func withDefaultConfig(args []string, hamiConfig, dir string) ([]string, error) {
	for _, a := range args {
		if a == "--config" || a == "-config" || strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-config=") {
			return args, nil
		}
	}
	doc, err := defaultConfigYAML(hamiConfig)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "hami-kube-scheduler.yaml")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		return nil, fmt.Errorf("write the default scheduler config: %w", err)
	}
	return append(slices.Clone(args), "--config="+path), nil
}
