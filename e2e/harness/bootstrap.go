package harness

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
)

// rootCAConfigMap is what kube-controller-manager's root-ca-cert-publisher
// puts in every namespace; the kubelet mounts it into service account volumes.
const rootCAConfigMap = "kube-root-ca.crt"

// bootstrap stands in for the two kube-controller-manager loops tests need:
// every namespace gets a `default` ServiceAccount and the root CA ConfigMap.
// The listed namespaces are done before it returns; later ones by a watcher.
func (c *Cluster) bootstrap(ctx context.Context, namespaces []string) error {
	for _, ns := range namespaces {
		if err := c.EnsureNamespace(ctx, ns); err != nil {
			return err
		}
	}
	return c.watchNamespaces()
}

// EnsureNamespace creates the namespace if needed and waits until it has its
// `default` ServiceAccount and kube-root-ca.crt ConfigMap, so pods can be
// created in it at once.
func (c *Cluster) EnsureNamespace(ctx context.Context, name string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	// The apiserver creates `default` itself a moment after readyz; creating
	// it first is harmless.
	if _, err := c.client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		err := c.populateNamespace(ctx, name)
		if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) {
			return false, nil // namespace still being set up or terminating
		}
		return err == nil, err
	})
}

func (c *Cluster) populateNamespace(ctx context.Context, ns string) error {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}}
	if _, err := c.client.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create serviceaccount %s/default: %w", ns, err)
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: rootCAConfigMap, Namespace: ns},
		Data:       map[string]string{"ca.crt": string(c.ca.CertPEM())},
	}
	if _, err := c.client.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create configmap %s/%s: %w", ns, rootCAConfigMap, err)
	}
	return nil
}

// watchNamespaces populates namespaces that tests create without
// EnsureNamespace, as kube-controller-manager would.
func (c *Cluster) watchNamespaces() error {
	ctx, cancel := context.WithCancel(context.Background())
	factory := informers.NewSharedInformerFactory(c.client, 0)
	inf := factory.Core().V1().Namespaces().Informer()
	_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(obj any) {
		ns, ok := obj.(*corev1.Namespace)
		if !ok || ns.DeletionTimestamp != nil {
			return
		}
		if err := c.populateNamespace(ctx, ns.Name); err != nil && ctx.Err() == nil && !apierrors.IsForbidden(err) {
			c.log.Warn().Err(err).Str("namespace", ns.Name).Msg("populate namespace")
		}
	}})
	if err != nil {
		cancel()
		return fmt.Errorf("watch namespaces: %w", err)
	}
	factory.Start(ctx.Done())
	c.onStop("namespace watcher", func() error {
		cancel()
		factory.Shutdown()
		return nil
	})
	return nil
}
