#!/usr/bin/env bash
# The project's tests, as `make test` runs them:
#   1. lint: gofmt, go vet, staticcheck;
#   2. go test ./... : unit tests, the self-test matrix (every spec against the
#      clean reference server and against the fault that breaks it) and the
#      real-server tests;
#   3. the matrix is printed at the end.
# Real servers: when this runs as root with apt-get (as in CI), Postfix is
# installed and started on 127.0.0.1 by testbed/postfix/start.sh and its test
# must run; elsewhere the test says it was not run, and why.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
export SMTPSPEC_TESTBED_DIR=${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}
mkdir -p "$SMTPSPEC_TESTBED_DIR"

echo "== lint"
make --no-print-directory lint

echo "== real servers"
POSTFIX_PORT=${SMTPSPEC_POSTFIX_PORT:-2525}
started_postfix=no
set +e
testbed/postfix/start.sh "$POSTFIX_PORT" 2> "$SMTPSPEC_TESTBED_DIR/postfix-start.err"
rc=$?
set -e
cat "$SMTPSPEC_TESTBED_DIR/postfix-start.err" >&2
case $rc in
  0) export SMTPSPEC_POSTFIX_ADDR="127.0.0.1:$POSTFIX_PORT"; started_postfix=yes ;;
  2) export SMTPSPEC_POSTFIX_UNAVAILABLE="$(tail -n 1 "$SMTPSPEC_TESTBED_DIR/postfix-start.err")" ;;
  *) echo "make test: the Postfix testbed failed to start (exit $rc)" >&2; exit 1 ;;
esac
stop_servers() {
  if [ "$started_postfix" = yes ]; then testbed/postfix/stop.sh || true; fi
}
trap stop_servers EXIT

echo "== go test"
export SMTPSPEC_MATRIX_FILE="$SMTPSPEC_TESTBED_DIR/matrix.txt"
rm -f "$SMTPSPEC_MATRIX_FILE"
"$GO" test -count=1 -timeout 30m ./...

if [ -f "$SMTPSPEC_MATRIX_FILE" ]; then
  echo "== self-test matrix"
  cat "$SMTPSPEC_MATRIX_FILE"
fi
