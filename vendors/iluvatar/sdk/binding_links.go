package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/device"
)

// Links asks the library how every other chip is reached from index: the
// two chips of a board (ixmlDeviceOnSameBoard) are LinkBoard, any other
// pair the level ixmlDeviceGetTopologyCommonAncestor reports.
func (b *Binding) Links(index int) ([]Link, error) {
	n, err := b.DeviceCount()
	if err != nil {
		return nil, err
	}
	self, err := b.handle(index)
	if err != nil {
		return nil, err
	}
	links := make([]Link, 0, max(n-1, 0))
	for _, peer := range device.Peers(index, n) {
		kind, err := b.linkTo(self, index, peer)
		if err != nil {
			return nil, err
		}
		links = append(links, Link{Peer: peer, Kind: kind})
	}
	return links, nil
}

func (b *Binding) linkTo(self ixmlDevice, index, peer int) (LinkKind, error) {
	other, err := b.handle(peer)
	if err != nil {
		return 0, err
	}
	pair := fmt.Sprintf("%d, %d", index, peer)
	var same int32
	if err := check(b.fn.OnSameBoard(self, other, &same), "ixmlDeviceOnSameBoard", pair); err != nil {
		return 0, err
	}
	if same != 0 {
		return LinkBoard, nil
	}
	var level int32
	if err := check(b.fn.CommonAncestor(self, other, &level), "ixmlDeviceGetTopologyCommonAncestor", pair); err != nil {
		return 0, err
	}
	return LinkKind(level), nil
}
