#!/usr/bin/env bash
# Stop the go-smtp test bed started by testbed/gosmtp/start.sh, and nothing
# else: by the PID it recorded. Exits 0 if it is not running.
set -euo pipefail
TESTBED_NAME=gosmtp
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
stop_prelude
BIN="$STATE/gosmtp"
daemon_alive() { runs_binary "$1" "$BIN"; }
stop_daemon "$(cat "$STATE/port" 2>/dev/null || true)"
