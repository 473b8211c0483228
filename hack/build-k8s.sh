#!/usr/bin/env bash
# Builds the pinned Kubernetes and etcd binaries the end-to-end harness runs,
# through the Go module proxy, into a git-ignored cache, and installs
# containerd and runc from Debian when they are missing.
#
# Cold: about 5-10 minutes on 2 cores. Warm (binaries present): a few seconds.
#
# Environment:
#   K8S_VERSION   k8s.io/kubernetes version          (default v1.37.2)
#   ETCD_VERSION  go.etcd.io/etcd/server/v3 version  (default v3.6.16)
#   HAMI_CACHE    cache root                         (default <repo>/.cache)
#   SKIP_APT=1    do not install containerd/runc
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${HAMI_CACHE:-$ROOT/.cache}"
K8S_DIR="$CACHE/k8s/$K8S_VERSION"
ETCD_DIR="$CACHE/etcd/$ETCD_VERSION"
START=$SECONDS

log() { printf '[build-k8s %3ds] %s\n' "$((SECONDS - START))" "$*"; }

# run_with_progress NAME CMD... runs CMD, printing a heartbeat every 15 s so
# a newcomer can see the build is alive.
run_with_progress() {
  local name="$1"; shift
  local t0=$SECONDS
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 15); do
      sleep 1
      kill -0 "$pid" 2>/dev/null || break
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "still working: $name ($((SECONDS - t0))s so far)"
    fi
  done
  if ! wait "$pid"; then
    log "FAILED: $name after $((SECONDS - t0))s"
    return 1
  fi
  log "done: $name in $((SECONDS - t0))s"
}

ensure_debian_packages() {
  [[ "${SKIP_APT:-}" == "1" ]] && return 0
  local missing=()
  command -v containerd >/dev/null 2>&1 || missing+=(containerd)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" != "0" ]]; then
    log "not root: cannot install ${missing[*]}; real-node tests will skip"
    return 0
  fi
  log "installing ${missing[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package enables a system containerd; the harness runs its own.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    systemctl disable --now containerd >/dev/null 2>&1 || true
  fi
}

# write_k8s_module DIR writes a throwaway module that requires k8s.io/kubernetes
# and replaces every staging repo with its published v0.x tag, which is what
# makes k8s.io/kubernetes buildable as a dependency.
write_k8s_module() {
  local dir="$1" staging_ver="v0.${K8S_VERSION#v1.}"
  mkdir -p "$dir"
  local modfile
  modfile="$(cd "$dir" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  {
    echo "module hami.local/k8sbuild"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//')"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    grep -E '^\s*k8s.io/[a-z0-9-]+ => ./staging/' "$modfile" | awk -v v="$staging_ver" '{print "replace " $1 " => " $1 " " v}'
  } > "$dir/go.mod"
  cat > "$dir/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
GO
  (cd "$dir" && GOFLAGS=-mod=mod GOWORK=off go mod tidy -e >/dev/null 2>&1 || true)
  (cd "$dir" && GOFLAGS=-mod=mod GOWORK=off go get "k8s.io/kubernetes@$K8S_VERSION" >/dev/null)
}

build_k8s() {
  local bin="$K8S_DIR/bin" src="$K8S_DIR/src"
  if [[ -x "$bin/kube-apiserver" && -x "$bin/kube-scheduler" && -x "$bin/kubelet" ]]; then
    log "kubernetes $K8S_VERSION cached in $bin"
    return 0
  fi
  log "preparing module for kubernetes $K8S_VERSION in $src (downloads through the Go module proxy)"
  run_with_progress "module download" write_k8s_module "$src"
  mkdir -p "$bin"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  local name
  for name in kube-apiserver kube-scheduler kubelet; do
    [[ -x "$bin/$name" ]] && { log "$name cached"; continue; }
    log "building $name $K8S_VERSION"
    run_with_progress "$name" env -C "$src" GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
      go build -trimpath -ldflags "$ldflags" -o "$bin/$name.tmp" "k8s.io/kubernetes/cmd/$name"
    mv "$bin/$name.tmp" "$bin/$name"
  done
}

build_etcd() {
  local bin="$ETCD_DIR/bin" src="$ETCD_DIR/src"
  if [[ -x "$bin/etcd" ]]; then
    log "etcd $ETCD_VERSION cached in $bin"
    return 0
  fi
  mkdir -p "$src" "$bin"
  cat > "$src/go.mod" <<MOD
module hami.local/etcdbuild

go $(go env GOVERSION | sed 's/^go//')

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
MOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > "$src/tools.go"
  log "building etcd $ETCD_VERSION"
  run_with_progress "etcd module download" env -C "$src" GOWORK=off GOFLAGS=-mod=mod go mod tidy
  run_with_progress etcd env -C "$src" GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
    go build -trimpath -ldflags "-s -w" -o "$bin/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$bin/etcd.tmp" "$bin/etcd"
}

ensure_debian_packages
build_etcd
build_k8s
log "ready: $K8S_DIR/bin $ETCD_DIR/bin"
