# The project's entry points. README.md names the two a newcomer needs:
# `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

GO        ?= go
# go-nvml's cgo preamble uses declarations newer glibc marks deprecated.
export CGO_CFLAGS ?= -Wno-deprecated-declarations
BIN       := $(CURDIR)/bin
GOLANGCI  := $(BIN)/golangci-lint
GOLANGCI_VERSION := v2.15.0
BENCHSTAT := $(BIN)/benchstat
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da

# Every Go module of the workspace (go.work), as directories.
MODULES := $(shell $(GO) list -m -f '{{.Dir}}')

# Parts that land with their own issue; targets pick them up when present.
HAVE_HAMI_CORE := $(wildcard hami-core/Makefile)
HAVE_E2E       := $(wildcard hack/e2e.sh)

.PHONY: gpu-check-build build build-bin limiter demo test test-go test-c e2e k8s-bin lint bench gpu-check tools clean help

help: ## list targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build every Go module (and libvgpu.so where present)
	@for m in $(MODULES); do echo "== build $${m#$(CURDIR)/}"; (cd $$m && $(GO) build ./...); done
ifneq ($(HAVE_HAMI_CORE),)
	$(MAKE) -C hami-core
endif

# Every vendor's plugin command, as vendors land.
PLUGIN_CMDS := $(addprefix ./,$(wildcard vendors/*/cmd/hami-*-plugin))
DEMO_BINS := ./scheduler/cmd/hami-scheduler ./scheduler/cmd/kubectl-hami ./webhook/cmd/hami-webhook $(PLUGIN_CMDS)

demo: k8s-bin build-bin limiter ## a local mixed NVIDIA fleet, the sample workload placed, and a web view (Ctrl-C stops); DEMO_NODES=N, DEMO_ARGS=--once
	$(GO) run ./e2e/cmd/hami-demo --bin-dir $(BIN) --examples examples $(DEMO_ARGS)

limiter: ## hami-core's libvgpu.so
	$(MAKE) -C hami-core

build-bin: ## the project's binaries into bin/
	$(GO) build -o $(BIN)/ $(DEMO_BINS)

test: test-go test-c e2e ## the whole suite: unit, fuzz seeds, C limiter, end to end

test-go: ## Go unit tests with -race (fuzz targets run their seed corpora)
	@for m in $(MODULES); do \
	  [ "$${m#$(CURDIR)/}" = e2e ] && continue; \
	  echo "== test $${m#$(CURDIR)/}"; (cd $$m && $(GO) test -race -count=1 ./...); \
	done

test-c: ## hami-core CPU suite and its sanitizer build
ifneq ($(HAVE_HAMI_CORE),)
	$(MAKE) -C hami-core test test-sanitize
else
	@echo "hami-core not present yet: skipped"
endif

e2e: ## end-to-end suites on a real control plane (E2E_RUN=<regex> selects tests)
ifneq ($(HAVE_E2E),)
	E2E_RUN='$(E2E_RUN)' bash hack/e2e.sh
else
	@echo "no end-to-end harness yet: skipped"
endif

k8s-bin: ## build (or reuse) the pinned kube-apiserver, kube-scheduler, kubelet and etcd; install containerd and runc
	bash hack/build-k8s.sh

lint: $(GOLANGCI) ## go vet and golangci-lint on every module
	@for m in $(MODULES); do echo "== lint $${m#$(CURDIR)/}"; (cd $$m && $(GO) vet ./... && $(GOLANGCI) run --config $(CURDIR)/.golangci.yml ./...); done

bench: $(BENCHSTAT) ## Go benchmarks, summarised with benchstat into bench/results/
	hack/bench.sh

gpu-check: ## real-GPU suites (needs an NVIDIA GPU, nvcc and PyTorch): hami-core, then NVML discovery
	@command -v nvidia-smi >/dev/null || { echo "gpu-check: no NVIDIA GPU here (nvidia-smi not found); run it on a GPU machine" >&2; exit 2; }
	bash hami-core/gpu-check/run.sh
	@test -x $(BIN)/hami-nvidia-gpucheck.test || { echo "gpu-check: build bin/hami-nvidia-gpucheck.test first with make gpu-check-build (the GPU machine has no Go)" >&2; exit 2; }
	HAMI_GPU_CHECK=1 $(BIN)/hami-nvidia-gpucheck.test -test.v

gpu-check-build: ## the Go side of gpu-check, built here and carried to the GPU machine
	cd vendors/nvidia && $(GO) test -c -o $(BIN)/hami-nvidia-gpucheck.test ./internal/gpucheck

tools: $(GOLANGCI) $(BENCHSTAT) ## install pinned tools into bin/

$(GOLANGCI):
	@echo "installing golangci-lint $(GOLANGCI_VERSION) into bin/ (builds from source, a few minutes once)"
	GOBIN=$(BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

$(BENCHSTAT):
	GOBIN=$(BIN) $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)

clean: ## remove build outputs (keeps the cached Kubernetes binaries)
	rm -rf bench/results/*.txt
ifneq ($(HAVE_HAMI_CORE),)
	$(MAKE) -C hami-core clean
endif
