package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// waitInventories waits until the scheduler's web view lists a fresh
// inventory for every GPU node: the plugins have published over NATS and
// the scheduler has seen it.
func waitInventories(ctx context.Context, url string, nodes []string) error {
	var missing []string
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		fresh, err := freshNodes(ctx, url)
		if err != nil {
			return false, nil
		}
		missing = missing[:0]
		for _, n := range nodes {
			if !fresh[n] {
				missing = append(missing, n)
			}
		}
		return len(missing) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("inventories of %v never reached the scheduler: %w", missing, err)
	}
	return nil
}

func freshNodes(ctx context.Context, url string) (map[string]bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var doc struct {
		Nodes []struct {
			Name  string `json:"name"`
			Stale bool   `json:"stale"`
		} `json:"nodes"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, n := range doc.Nodes {
		out[n.Name] = out[n.Name] || !n.Stale
	}
	return out, nil
}
