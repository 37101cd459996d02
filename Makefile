# balcão — see README.md. Only Go is needed; the end-to-end tests also use tmux, openssh-client and postgresql.
GO       ?= go
BIN      := bin/balcao
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 30s

.PHONY: run test build bench soak lint fuzz clean

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
	rm -rf bin bench.out
