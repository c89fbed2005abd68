#!/usr/bin/env bash
# The project's tests, as `make test` runs them:
#   1. lint: gofmt, go vet, staticcheck;
#   2. go test ./... : unit tests, the self-test matrix (every spec against the
#      clean reference server and against the fault that breaks it) and the
#      real-server tests;
#   3. the matrix is printed at the end.
# Real servers: selftest/realserver_test.go starts each one on 127.0.0.1 with
# its testbed script (testbed/postfix/start.sh), which installs it when this
# runs as root with apt-get (as in CI): there the test must run and a failure
# to start fails it. Elsewhere the test says it was NOT RUN, and why.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
export SMTPSPEC_TESTBED_DIR=${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}
mkdir -p "$SMTPSPEC_TESTBED_DIR"

echo "== lint"
make --no-print-directory lint

echo "== go test"
export SMTPSPEC_MATRIX_FILE="$SMTPSPEC_TESTBED_DIR/matrix.txt"
export SMTPSPEC_NOTES_FILE="$SMTPSPEC_TESTBED_DIR/notes.txt"
rm -f "$SMTPSPEC_MATRIX_FILE" "$SMTPSPEC_NOTES_FILE"
status=0
# The packages other than selftest run alongside it, without -parallel: some
# run Ginkgo in-process (docgen, reports), and Ginkgo refuses go test's
# -parallel flag. Their output is printed when they are done.
others=$("$GO" list ./... | grep -v '/selftest$')
others_log=$(mktemp)
# shellcheck disable=SC2086 # one argument per package
"$GO" test -count=1 -timeout 30m $others >"$others_log" 2>&1 &
others_pid=$!
# -parallel: the real-server tests (t.Parallel) run side by side; they mostly
# wait on the network, so more of them than cores.
"$GO" test -count=1 -timeout 30m -parallel "${SMTPSPEC_TEST_PARALLEL:-9}" ./selftest/ || status=$?
others_status=0
wait "$others_pid" || others_status=$?
cat "$others_log"
rm -f "$others_log"
if [ "$others_status" -ne 0 ]; then status=$others_status; fi

if [ -f "$SMTPSPEC_NOTES_FILE" ]; then
  echo "== real servers"
  cat "$SMTPSPEC_NOTES_FILE"
fi
if [ -f "$SMTPSPEC_MATRIX_FILE" ]; then
  echo "== self-test matrix"
  cat "$SMTPSPEC_MATRIX_FILE"
fi
exit $status
