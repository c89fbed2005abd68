#!/usr/bin/env bash
# Stop the private Postfix instance started by testbed/postfix/start.sh, and
# nothing else: it uses that instance's own config directory and recorded
# master PID (never pkill/killall). Exits 0 if it is not running.
set -euo pipefail

BASE="${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}"
BASE="$(realpath -m -- "$BASE")"
STATE="$BASE/postfix"
CONF="$STATE/etc"
QUEUE="$STATE/queue"
PIDFILE="$STATE/postfix.pid"
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"

say() { echo "postfix testbed: $*"; }
die() { echo "postfix testbed: $*" >&2; exit 1; }

[[ -d "$STATE" ]] || { say "not running (no $STATE)"; exit 0; }

if [[ -w "$STATE" ]]; then
	exec 9>"$STATE/lock"
	flock -w 120 9 || die "timed out waiting for the lock on $STATE/lock"
fi

# is_our_master PID: PID is alive and is a Postfix master process.
is_our_master() {
	local p="${1:-}" comm=""
	[[ "$p" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$p" 2>/dev/null || [[ -d "/proc/$p" ]] || return 1
	comm="$(cat "/proc/$p/comm" 2>/dev/null || true)"
	[[ -z "$comm" || "$comm" == master ]]
}

pid=""
[[ -r "$PIDFILE" ]] && pid="$(tr -dc '0-9' <"$PIDFILE")"
if [[ -z "$pid" && -r "$QUEUE/pid/master.pid" ]]; then
	pid="$(tr -dc '0-9' <"$QUEUE/pid/master.pid")"
fi

if ! is_our_master "$pid"; then
	rm -f "$PIDFILE" 2>/dev/null || true
	say "not running"
	exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
	echo "postfix testbed: not stopped: the Postfix master (pid $pid) runs as root; run $0 as root" >&2
	exit 2
fi

# The orderly way: postfix-script reads the same master.pid, waits up to 5 s,
# then kills the master's process group.
if [[ -r "$CONF/main.cf" ]] && command -v postfix >/dev/null 2>&1; then
	postfix -c "$CONF" stop >"$STATE/stop.log" 2>&1 || true
fi

# Fallback by the recorded PID only.
for _ in $(seq 1 50); do
	is_our_master "$pid" || break
	sleep 0.1
done
if is_our_master "$pid"; then
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do
		is_our_master "$pid" || break
		sleep 0.1
	done
fi
if is_our_master "$pid"; then
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	sleep 0.5
fi
is_our_master "$pid" && die "could not stop the Postfix master (pid $pid)"

rm -f "$PIDFILE"
say "stopped (pid $pid)"
