#!/usr/bin/env bash
# Stop the inbucket test bed started by testbed/inbucket/start.sh, and nothing
# else: by the PID it recorded. Exits 0 if it is not running.
set -euo pipefail
TESTBED_NAME=inbucket
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
stop_prelude
BIN="$STATE/inbucket"
daemon_alive() { runs_binary "$1" "$BIN"; }
stop_daemon "$(cat "$STATE/port" 2>/dev/null || true)"
