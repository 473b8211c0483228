package sdk

import (
	"fmt"
	"sort"

	"github.com/hami-project/hami/common/dynlib"
)

// Links follows each active MLU-Link port of the card to the card at its
// other end, found by the UUID the port reports. A port to a card outside
// this node (a cable to another server) is left out.
func (b *Binding) Links(index int) ([]Link, error) {
	h, err := b.handle(index)
	if err != nil {
		return nil, err
	}
	ports := b.c.GetMLULinkPortNumber(h)
	if ports < 0 {
		return nil, check("cndevGetMLULinkPortNumber", index, -ports)
	}
	peers, err := b.indexByUUID()
	if err != nil {
		return nil, err
	}
	count := map[int]int{}
	for port := range ports {
		peer, ok, err := b.portPeer(index, h, port, peers)
		if err != nil {
			return nil, err
		}
		if ok && peer != index {
			count[peer]++
		}
	}
	links := make([]Link, 0, len(count))
	for peer, n := range count {
		links = append(links, Link{Peer: peer, Kind: LinkMLULink, Ports: n})
	}
	sort.Slice(links, func(i, j int) bool { return links[i].Peer < links[j].Peer })
	return links, nil
}

func (b *Binding) portPeer(index int, h, port int32, peers map[string]int) (int, bool, error) {
	s := mluLinkStatusV2{Version: cndevVersion}
	if err := check("cndevGetMLULinkStatusV2", index, b.c.GetMLULinkStatusV2(&s, h, port)); err != nil {
		return 0, false, fmt.Errorf("port %d: %w", port, err)
	}
	if s.MacState != mluLinkStateUp {
		return 0, false, nil
	}
	r := mluLinkRemoteInfo{Version: cndevVersion}
	if err := check("cndevGetMLULinkRemoteInfo", index, b.c.GetMLULinkRemoteInfo(&r, h, port)); err != nil {
		return 0, false, fmt.Errorf("port %d: %w", port, err)
	}
	peer, ok := peers[cardUUID(dynlib.GoString(r.UUID[:]))]
	return peer, ok, nil
}

func (b *Binding) indexByUUID() (map[string]int, error) {
	n, err := b.DeviceCount()
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, n)
	for i := range n {
		h, err := b.handle(i)
		if err != nil {
			return nil, err
		}
		u := uuidInfo{Version: cndevVersion}
		if err := check("cndevGetUUID", i, b.c.GetUUID(&u, h)); err != nil {
			return nil, err
		}
		out[cardUUID(dynlib.GoString(u.UUID[:]))] = i
	}
	return out, nil
}
