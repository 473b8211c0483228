package inventory

import "strings"

// PluginInboxPrefix is the reply-subject prefix a node's plugin connects
// with (nats.CustomInboxPrefix). Giving each node its own inbox namespace
// lets a NATS server refuse a plugin that tries to read other clients'
// replies. Dots in the node name become underscores, which DNS names never
// contain, so two nodes never share a prefix ("a" and "a.b" would otherwise
// overlap). It lives here, not with the embedded server, so that a device
// plugin links no NATS server.
func PluginInboxPrefix(node string) string {
	return "_HAMI_INBOX." + strings.ReplaceAll(node, ".", "_")
}
