package sdk

import "github.com/hami-project/hami/common/device"

// Links lists every other device with the fastest path to it: MetaXLink
// where the pair has lanes, otherwise the PCIe topology.
func (b *Binding) Links(index int) ([]Link, error) {
	src, err := deviceArg(index, "mxSmlGetDeviceTopology")
	if err != nil {
		return nil, err
	}
	n, err := b.DeviceCount()
	if err != nil {
		return nil, err
	}
	var links []Link
	for _, peer := range device.Peers(index, n) {
		kind, err := b.linkKind(src, uint32(peer))
		if err != nil {
			return nil, err
		}
		if kind.Score() > 0 {
			links = append(links, Link{Peer: peer, Kind: kind, Score: kind.Score()})
		}
	}
	return links, nil
}

func (b *Binding) linkKind(src, dst uint32) (LinkKind, error) {
	var mx cMetaXLinkInfo
	if err := check(b.fn.MetaXLinkInfo(src, dst, &mx), "mxSmlGetMetaXLinkInfo", src, dst); err != nil {
		return "", err
	}
	if mx.Links > 0 {
		return LinkMetaXLink, nil
	}
	var topo cTopology
	if err := check(b.fn.Topology(src, dst, &topo), "mxSmlGetDeviceTopology", src, dst); err != nil {
		return "", err
	}
	return topologyKind(topo.TopologyType), nil
}
