package ui

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"time"

	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

//go:embed static
var static embed.FS

// Entries lists every inventory entry, stale ones included.
type Entries interface {
	Entries() []inventory.Entry
}

// Handler serves the page at / and the document at /api/fleet.
func Handler(entries func() Entries, index *usage.Index, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	files, err := fs.Sub(static, "static")
	if err != nil {
		// The embedded tree is fixed at build time; a missing folder is a
		// build defect, reported on every request rather than by a panic.
		mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "ui assets missing: "+err.Error(), http.StatusInternalServerError)
		})
		return mux
	}
	mux.Handle("GET /", http.FileServerFS(files))
	mux.HandleFunc("GET /api/fleet", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(Build(entries().Entries(), index, now()))
	})
	return mux
}
