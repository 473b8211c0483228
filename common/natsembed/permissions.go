package natsembed

import (
	"github.com/nats-io/nats-server/v2/server"

	"github.com/hami-project/hami/common/inventory"
)

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
		Subscribe: &server.SubjectPermission{Allow: []string{inventory.PluginInboxPrefix(node) + ".>"}},
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
