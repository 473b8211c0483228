package allocator_test

import pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

func allocReq(ids []string) *pluginapi.ContainerAllocateRequest {
	return &pluginapi.ContainerAllocateRequest{DevicesIds: ids}
}
