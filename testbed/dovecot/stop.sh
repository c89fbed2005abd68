#!/usr/bin/env bash
# Stop the Dovecot submission instance started by testbed/dovecot/start.sh,
# and nothing else: by the master PID it recorded (checked to run this test
# bed's configuration). Exits 0 if it is not running.
set -euo pipefail
TESTBED_NAME=dovecot
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
stop_prelude
CONF="$STATE/etc/dovecot.conf"
daemon_alive() {
	pid_alive "$1" || return 1
	[[ ! -r "/proc/$1/cmdline" ]] || tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "-c $CONF"
}
stop_daemon "$(cat "$STATE/port" 2>/dev/null || true)"
# The relay server of the test bed (relay.py), by its PID.
p="$(read_pidfile_of "$STATE/relay.pid")"
if pid_alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF relay.py; then
	kill -TERM "$p" 2>/dev/null || true
fi
rm -f "$STATE/relay.pid"
