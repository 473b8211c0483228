#!/usr/bin/env bash
# Runs the end-to-end suites (module e2e/) against a real control plane,
# a real kubelet node and simulated nodes. Builds or reuses the pinned
# Kubernetes/etcd binaries and installs containerd/runc first.
#
# Environment:
#   E2E_RUN=<regex>     run only matching tests (go test -run), e.g. Harness
#   E2E_PKGS=<pkgs>     packages to test (default ./...)
#   E2E_TIMEOUT=<dur>   go test -timeout (default 20m)
#   E2E_VERBOSE=1       go test -v (shows each test and the measured times)
#   HARNESS_SCALE=1000  also run the simulated-node scale test
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/hack/build-k8s.sh"

args=(-count=1 -p 1 -timeout "${E2E_TIMEOUT:-20m}")
if [[ -n "${E2E_RUN:-}" ]]; then
  args+=(-run "$E2E_RUN")
fi
if [[ -n "${E2E_VERBOSE:-}" ]]; then
  args+=(-v)
fi
cd "$ROOT/e2e"
# shellcheck disable=SC2086 # E2E_PKGS is a list of packages
exec go test "${args[@]}" ${E2E_PKGS:-./...}
