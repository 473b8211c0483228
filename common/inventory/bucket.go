package inventory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// SplitKey splits a bucket key into vendor and node. Node names may contain
// dots, vendor names may not, so the first dot separates them.
func SplitKey(key string) (vendor, node string, ok bool) {
	vendor, node, ok = strings.Cut(key, ".")
	return vendor, node, ok && vendor != "" && node != ""
}

// bucketConfig is the bucket as this project wants it: only the latest value
// of a key matters, so history is 1.
func bucketConfig(o *options) jetstream.KeyValueConfig {
	return jetstream.KeyValueConfig{
		Bucket:      o.bucket,
		Description: "HAMi node inventories, key <vendor>.<node>",
		History:     1,
		Replicas:    o.replicas,
		Storage:     jetstream.FileStorage,
	}
}

// EnsureBucket creates the bucket or updates its configuration; it is
// idempotent, for a scheduler that owns the bucket at startup.
func EnsureBucket(ctx context.Context, js jetstream.JetStream, opts ...Option) (jetstream.KeyValue, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("ensure bucket: %w", err)
	}
	return ensureBucket(ctx, js, &o)
}

func ensureBucket(ctx context.Context, js jetstream.JetStream, o *options) (jetstream.KeyValue, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, bucketConfig(o))
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", o.bucket, err)
	}
	return kv, nil
}

// openBucket looks the bucket up and creates it when missing and allowed.
// Looking up first needs fewer permissions than creating, which matters for
// plugins whose credentials only allow writing their own keys.
func openBucket(ctx context.Context, js jetstream.JetStream, o *options) (jetstream.KeyValue, error) {
	kv, err := js.KeyValue(ctx, o.bucket)
	if err == nil {
		return kv, nil
	}
	if !errors.Is(err, jetstream.ErrBucketNotFound) || !o.createBucket {
		return nil, fmt.Errorf("open bucket %s: %w", o.bucket, err)
	}
	return ensureBucket(ctx, js, o)
}
