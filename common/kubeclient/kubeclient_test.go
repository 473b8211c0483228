package kubeclient_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/client-go/rest"

	"github.com/hami-project/hami/common/kubeclient"
)

func TestConfigReadsTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(path, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]
users: [{name: u, user: {token: t0k}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`), 0o600))
	rc, err := kubeclient.Config(path)
	require.NoError(t, err)
	require.Equal(t, "https://10.0.0.1:6443", rc.Host)
	require.Equal(t, "t0k", rc.BearerToken)
	_, err = kubeclient.New(path)
	require.NoError(t, err)
}

func TestConfigNamesTheFlag(t *testing.T) {
	t.Parallel()
	_, err := kubeclient.Config("/nonexistent/kubeconfig")
	require.ErrorContains(t, err, `--kubeconfig "/nonexistent/kubeconfig"`)
	// Outside a pod there is no service account: the flag is named too.
	if os.Getenv("KUBERNETES_SERVICE_HOST") == "" {
		_, err = kubeclient.Config("")
		require.ErrorContains(t, err, `--kubeconfig ""`)
	}
}

// A protobuf client still reads what only JSON serves (custom resources).
func TestUseProtobufKeepsJSONAccepted(t *testing.T) {
	t.Parallel()
	rc := &rest.Config{}
	kubeclient.UseProtobuf(rc)
	require.Equal(t, "application/vnd.kubernetes.protobuf", rc.ContentType)
	require.Equal(t, "application/vnd.kubernetes.protobuf,application/json", rc.AcceptContentTypes)
}
