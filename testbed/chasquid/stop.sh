#!/usr/bin/env bash
# Stop the chasquid started by testbed/chasquid/start.sh, and nothing else:
# by the PID it recorded. Exits 0 if it is not running.
set -euo pipefail
TESTBED_NAME=chasquid
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
stop_prelude
BIN="$STATE/root/usr/bin/chasquid"
daemon_alive() { runs_binary "$1" "$BIN"; }
port="$(sed -n 's/^smtp_address: "127\.0\.0\.1:\([0-9]*\)"$/\1/p' "$STATE/etc/chasquid.conf" 2>/dev/null | head -n1 || true)"
stop_daemon "$port"
