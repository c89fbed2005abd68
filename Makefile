# smtpspec: `make run` runs the suite, `make test` runs the project's tests.
GO      ?= go
BIN     := bin/smtpspec
OUT     ?= out
TARGET  ?=
ARGS    ?=
# --version prints the commit the binary was built from, and whether the tree
# had changes (GOFLAGS=-buildvcs=false would hide Go's own VCS stamp).
COMMIT   := $(shell git rev-parse HEAD 2>/dev/null)
MODIFIED := $(shell test -n "$$(git status --porcelain 2>/dev/null)" && echo true)
LDFLAGS  := -X github.com/smtpspec/smtpspec/internal/version.commit=$(COMMIT) -X github.com/smtpspec/smtpspec/internal/version.modified=$(MODIFIED)

.PHONY: all build run test unit lint bench faults-full docs matrix clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/smtpspec

# make run                      -> the embedded reference server
# make run TARGET=host:port     -> any server (add ARGS='--mailbox you@example.org ...')
# The recipe is the binary alone (no pipe, no `|| true`), so its exit code
# decides: make succeeds only when smtpspec exits 0. GNU make itself exits 2
# for any failed recipe; its "Error N" line gives smtpspec's code N. For
# the exit codes themselves (CI), run bin/smtpspec directly.
run: build
	./$(BIN) --out $(OUT) $(if $(TARGET),--target $(TARGET)) $(ARGS)

# The whole project check: lint, unit tests, the self-test matrix against the
# reference server, and the real-server tests (Postfix, installed and started
# by testbed/postfix/start.sh when this runs as root with apt-get).
test:
	scripts/test.sh

unit:
	$(GO) test ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# The self-test matrix's full cross-product: every reference-server fault
# against the whole suite (make test runs each fault against its feature's
# specs and the specs it declares).
faults-full:
	SMTPSPEC_MATRIX_FULL=1 $(GO) test -count=1 -timeout 60m -run TestMatrix ./selftest/

# Wall time of full runs against the embedded server, and the per-spec
# overhead; then serial and --parallel 4 wall times against the embedded
# server and a server with a per-reply delay, side by side (Go benchmarks;
# figures, not assertions).
bench:
	$(GO) test -run '^$$' -bench 'FullRun|SpecRun' -benchtime 3x ./selftest/
	$(GO) test -run '^$$' -bench 'Parallel' -benchtime 1x ./selftest/

# docs/requirements.md from the requirement catalogue and the specs (a test
# fails when it is stale).
docs:
	$(GO) run ./cmd/gendocs

# docs/servers.md: the suite's verdicts against the real-server test beds side
# by side, the embedded reference server first (and the HTML page
# $$SMTPSPEC_TESTBED_DIR/matrix.html). It uses the reports a recent `make test`
# kept, or runs the real-server tests itself (root needed; exit 2 without).
matrix:
	scripts/matrix.sh

clean:
	rm -rf bin $(OUT)
