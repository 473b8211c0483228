package ui_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/scheduler/internal/ui"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

type entries []inventory.Entry

func (e entries) Entries() []inventory.Entry { return e }

func TestFleetDocumentAndPage(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 2, 10000)
	inv.Devices[1].Healthy = false
	mlu := devicetest.Node("n2", 1, 16000)
	mlu.Vendor = "cambricon"
	index := usage.NewIndex()
	a := allocation.New("n1")
	a.Containers = []allocation.Container{{Name: "app", Devices: []allocation.Device{{Vendor: "nvidia", ID: "GPU-n1-0", MemoryMiB: 3000, Cores: 30, Mode: "hami-core"}}}}
	index.Set(&usage.Pod{UID: "u1", Namespace: "ml", Name: "infer", Allocation: a})
	now := inv.PublishedAt.Add(7 * time.Second)
	src := entries{{Key: inv.Key(), Inventory: inv}, {Key: mlu.Key(), Inventory: mlu, Stale: true}}
	srv := httptest.NewServer(ui.Handler(func() ui.Entries { return src }, index, func() time.Time { return now }))
	t.Cleanup(srv.Close)

	res, err := http.Get(srv.URL + "/api/fleet")
	require.NoError(t, err)
	defer res.Body.Close()
	var f ui.Fleet
	require.NoError(t, json.NewDecoder(res.Body).Decode(&f))
	require.Equal(t, []string{"cambricon", "nvidia"}, f.Vendors)
	require.Len(t, f.Nodes, 2)
	n1 := f.Nodes[0]
	require.Equal(t, int64(7), n1.AgeSecs)
	require.Equal(t, int64(3000), n1.Devices[0].MemoryUsed)
	require.Equal(t, int32(30), n1.Devices[0].CoresUsed)
	require.Equal(t, []ui.Tenant{{Pod: "ml/infer", Container: "app", MemoryMiB: 3000, Cores: 30}}, n1.Devices[0].TenantsList)
	require.False(t, n1.Devices[1].Healthy)
	require.True(t, f.Nodes[1].Stale)

	page, err := http.Get(srv.URL + "/")
	require.NoError(t, err)
	defer page.Body.Close()
	body, err := io.ReadAll(page.Body)
	require.NoError(t, err)
	require.Contains(t, string(body), "<title>HAMi fleet</title>")
	for _, asset := range []string{"/app.js", "/style.css"} {
		r, err := http.Get(srv.URL + asset)
		require.NoError(t, err)
		r.Body.Close()
		require.Equal(t, http.StatusOK, r.StatusCode, asset)
	}
}
