#!/usr/bin/env bash
# Stop the qpsmtpd started by testbed/qpsmtpd/start.sh, and nothing else: by
# the forkserver PID it recorded (sessions are its children in its own
# process group). Exits 0 if it is not running.
set -euo pipefail
TESTBED_NAME=qpsmtpd
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
stop_prelude
SERVER="$STATE/root/usr/bin/qpsmtpd-forkserver"
daemon_alive() {
	pid_alive "$1" || return 1
	[[ ! -r "/proc/$1/cmdline" ]] || tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "$SERVER"
}
pid="$(read_pidfile)"
stop_daemon "$(cat "$STATE/port" 2>/dev/null || true)"
# Sessions still running are the forkserver's children in its process group
# (it leads the group: started under setsid).
[[ -n "$pid" ]] && kill -TERM -- "-$pid" 2>/dev/null || true
# The NXDOMAIN name server of the test bed (nodns.py), by its PID.
p="$(read_pidfile_of "$STATE/nodns.pid")"
if pid_alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF nodns.py; then
	kill -TERM "$p" 2>/dev/null || true
fi
rm -f "$STATE/nodns.pid"
