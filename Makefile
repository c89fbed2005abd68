# smtpspec: `make run` runs the suite, `make test` runs the project's tests.
GO      ?= go
BIN     := bin/smtpspec
OUT     ?= out
TARGET  ?=
ARGS    ?=

.PHONY: all build run test unit lint bench clean docs

all: build

build:
	$(GO) build -o $(BIN) ./cmd/smtpspec

# make run                      -> the embedded reference server
# make run TARGET=host:port     -> any server (add ARGS='--mailbox you@example.org ...')
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

clean:
	rm -rf bin $(OUT)
