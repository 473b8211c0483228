package plugin

import (
	"context"
	"slices"

	"github.com/rs/zerolog"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
)

// Prefer answers GetPreferredAllocation for one container: virtual devices
// on the GPUs the scheduler chose for the most likely waiting container of
// that size (see Assigner). It remembers the answer so that the Allocate
// that follows is matched to that container.
func (a *Assigner) Prefer(ctx context.Context, req *pluginapi.ContainerPreferredAllocationRequest) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	size := int(req.GetAllocationSize())
	cands, err := a.pending(ctx, size)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("preferred allocation: list pods")
	}
	for i := range cands {
		ids, ok := pick(cands[i].Devices, req.GetAvailableDeviceIDs(), req.GetMustIncludeDeviceIDs())
		if !ok {
			continue
		}
		a.steered[steerKey(ids)] = steerTarget{uid: cands[i].Pod.UID, container: cands[i].Container}
		return ids
	}
	return fallback(req.GetAvailableDeviceIDs(), req.GetMustIncludeDeviceIDs(), size)
}

// pick chooses one available virtual id on each chosen physical device,
// taking must-include ids first; ok is false when they cannot all be met.
func pick(devs []allocation.Device, available, must []string) ([]string, bool) {
	used := map[string]bool{}
	var out []string
	for _, d := range devs {
		id, found := firstOn(d.ID, must, used)
		if !found {
			id, found = firstOn(d.ID, available, used)
		}
		if !found {
			return nil, false
		}
		used[id] = true
		out = append(out, id)
	}
	for _, m := range must {
		if !used[m] {
			return nil, false
		}
	}
	return out, true
}

func firstOn(physical string, ids []string, used map[string]bool) (string, bool) {
	for _, id := range ids {
		if !used[id] && PhysicalID(id) == physical {
			return id, true
		}
	}
	return "", false
}

// fallback keeps the must-include ids and fills up from the available ones.
func fallback(available, must []string, size int) []string {
	out := slices.Clone(must)
	for _, id := range available {
		if len(out) >= size {
			break
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
