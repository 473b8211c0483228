package natsembed

import (
	"strings"

	"github.com/nats-io/nats-server/v2/server"
)

// PluginInboxPrefix is the reply-subject prefix a node's plugin must connect
// with (nats.CustomInboxPrefix). Giving each node its own inbox namespace lets
// the server refuse a plugin that tries to read other clients' replies. Dots
// in the node name become underscores, which DNS names never contain, so two
// nodes never share a prefix ("a" and "a.b" would otherwise overlap).
func PluginInboxPrefix(node string) string {
	return "_HAMI_INBOX." + strings.ReplaceAll(node, ".", "_")
}

// PluginPermissions lets a node's plugin write only its own keys
// ($KV.<bucket>.<vendor>.<node>, any vendor) and look the bucket up; a
// compromised node therefore cannot advertise devices for another node. It
// cannot create the bucket: the scheduler does.
func PluginPermissions(bucket, node string) *server.Permissions {
	return &server.Permissions{
		Publish: &server.SubjectPermission{Allow: []string{
			"$KV." + bucket + ".*." + node,
			"$JS.API.STREAM.INFO." + streamName(bucket),
		}},
		Subscribe: &server.SubjectPermission{Allow: []string{PluginInboxPrefix(node) + ".>"}},
	}
}

// ReaderPermissions lets the scheduler or webhook create the bucket and watch
// or get its keys, but not write them.
func ReaderPermissions(bucket string) *server.Permissions {
	s := streamName(bucket)
	return &server.Permissions{
		Publish: &server.SubjectPermission{Allow: []string{
			"$JS.API.INFO",
			"$JS.API.STREAM.INFO." + s,
			"$JS.API.STREAM.CREATE." + s,
			"$JS.API.STREAM.UPDATE." + s,
			"$JS.API.STREAM.MSG.GET." + s,
			"$JS.API.DIRECT.GET." + s + ".>",
			"$JS.API.CONSUMER.CREATE." + s,
			"$JS.API.CONSUMER.CREATE." + s + ".>",
			"$JS.API.CONSUMER.INFO." + s + ".>",
			"$JS.API.CONSUMER.DELETE." + s + ".>",
			// Flow-control replies of the push consumer behind a KV watch.
			"$JS.FC." + s + ".>",
		}},
		Subscribe: &server.SubjectPermission{Allow: []string{"_INBOX.>"}},
	}
}

// PluginUser and ReaderUser are ready-made users for Config.Users.
func PluginUser(name, password, bucket, node string) *server.User {
	return &server.User{Username: name, Password: password, Permissions: PluginPermissions(bucket, node)}
}

// ReaderUser is a user with ReaderPermissions.
func ReaderUser(name, password, bucket string) *server.User {
	return &server.User{Username: name, Password: password, Permissions: ReaderPermissions(bucket)}
}

// streamName is the JetStream stream behind a key-value bucket.
func streamName(bucket string) string { return "KV_" + bucket }
