// Package webhook_test runs the HAMi admission webhook against a real
// kube-apiserver: our MutatingWebhookConfiguration is registered there
// (failurePolicy Fail, loopback URL, caBundle from the webhook's self-signed
// Secret) and pods are created through the API as a user would.
package webhook_test

import (
	"os"
	"testing"

	"github.com/hami-project/hami/e2e/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
