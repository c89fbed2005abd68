#!/usr/bin/env bash
# Stop the aiosmtpd test bed started by start.sh, by its recorded PID only.
set -euo pipefail
STATE="${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}/aiosmtpd"
PIDFILE="$STATE/aiosmtpd.pid"
if ! [[ -r "$PIDFILE" ]]; then
	echo "aiosmtpd testbed: not running"
	exit 0
fi
pid="$(cat "$PIDFILE")"
if kill -0 "$pid" 2>/dev/null && grep -q server.py "/proc/$pid/cmdline" 2>/dev/null; then
	kill -TERM "$pid"
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
fi
rm -f "$PIDFILE"
echo "aiosmtpd testbed: stopped"
