# balcão — see README.md. Only Go is needed; the end-to-end tests also use tmux, openssh-client and postgresql.
GO       ?= go
BIN      := bin/balcao
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 30s

.PHONY: run test build bench bench-10m soak lint fuzz clean

## run: the console on the embedded sandbox and demo directory (no network, no config needed)
run:
	$(GO) run ./cmd/balcao

## test: vet and the whole suite with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## build: bin/balcao
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/balcao

## bench: speed and memory figures (builds and caches a 1,000,000-beneficiary directory the first time); the
## system-level benchmarks time a fixed number of operations each, so one iteration (-benchtime 1x) is the measurement
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./directory/ ./directory/csvimport/ ./server/ ./ui/... ./cmd/balcao/ ./fleet/ | tee bench.out
	$(GO) test -run '^$$' -bench . ./audit/ | tee -a bench.out
	$(GO) test -run '^$$' -bench . ./model/ | tee -a bench.out
	@echo; echo "== figures =="; grep -E '^Benchmark' bench.out

## soak: the outbox's fault soaks at full size (SOAK_SEEDS fault seeds of SOAK_ITEMS look-alike items each)
SOAK_SEEDS ?= 200
SOAK_ITEMS ?= 40
soak:
	BALCAO_SOAK_SEEDS=$(SOAK_SEEDS) BALCAO_SOAK_ITEMS=$(SOAK_ITEMS) $(GO) test -count=1 -timeout 60m -run 'Soak' -v ./outbox/ | grep -E 'soak:|^(ok|FAIL)'

## bench-10m: the ten-million figures: import (new, --replace, a 10,000-row upsert), searches, the service under
## load, serve's start, the console's first frame and keystroke. The first run generates and caches, under
## ~/.cache/balcao-bench/, a 10,000,000-beneficiary import file and directory (about 6.5 GB, most of an hour on
## 2 cores); the import benchmark needs about 12 GB more while it runs
BENCH10M := BALCAO_BENCH_SIZE=10000000 $(GO) test -run '^$$' -benchtime 1x -timeout 180m
bench-10m:
	$(BENCH10M) -bench 'Import/(new|replace|upsert)' ./directory/csvimport/ | tee bench-10m.out
	$(BENCH10M) -bench 'DirectorySearch' ./directory/ | tee -a bench-10m.out
	$(BENCH10M) -bench 'ServiceLoad$$|ServiceModes/plain$$' ./server/ | tee -a bench-10m.out
	$(BENCH10M) -bench 'ServeToHealthz|StartupToFirstFrameDirectory' ./cmd/balcao/ | tee -a bench-10m.out
	$(BENCH10M) -bench 'KeystrokeToResultsBig' ./ui/search/ | tee -a bench-10m.out
	@echo; echo "== figures (10M) =="; grep -E '^Benchmark' bench-10m.out

## lint: formatting, vet and staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

## fuzz: each fuzz target for $(FUZZTIME)
fuzz:
	@for pkg in ./model ./server; do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin bench.out bench-10m.out
