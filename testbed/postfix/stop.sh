#!/usr/bin/env bash
# Stop the private Postfix instance started by testbed/postfix/start.sh, and
# nothing else: it uses that instance's own config directory and recorded
# master PID (never pkill/killall). Exits 0 if it is not running.
set -euo pipefail

BASE="${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}"
BASE="$(realpath -m -- "$BASE")"
# SMTPSPEC_POSTFIX_INSTANCE names the instance (and its state directory), so
# that differently configured instances can run side by side.
INSTANCE="${SMTPSPEC_POSTFIX_INSTANCE:-postfix}"
if ! [[ "$INSTANCE" =~ ^[a-z0-9][a-z0-9-]*$ ]]; then
	echo "postfix testbed: SMTPSPEC_POSTFIX_INSTANCE must be lower-case letters, digits and hyphens: $INSTANCE" >&2
	exit 1
fi
STATE="$BASE/$INSTANCE"
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
	# An exited master stays a zombie until PID 1 reaps it (which can take a
	# second in some containers): count it as stopped.
	[[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]] || return 1
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

# This is what "postfix -c CONF stop" does (postfix-script reads the same
# master.pid), minus its 1-second polling: SIGTERM makes the master stop its
# child processes and exit. After 5 s, SIGKILL the master's process group
# (the master is a session and group leader, so that is only this instance).
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 50); do
	is_our_master "$pid" || break
	sleep 0.1
done
if is_our_master "$pid"; then
	echo "postfix testbed: warning: master (pid $pid) ignored SIGTERM for 5 s; killing its process group" >&2
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	sleep 0.5
fi
is_our_master "$pid" && die "could not stop the Postfix master (pid $pid)"

# The master's children exit on its SIGTERM; wait until none holds the
# listening socket any more, so that an immediate start.sh finds the port free.
port="$(sed -n 's/^127\.0\.0\.1:\([0-9][0-9]*\)[[:space:]].*/\1/p' "$CONF/master.cf" 2>/dev/null | head -n1 || true)"
if [[ -n "$port" ]]; then
	for _ in $(seq 1 50); do
		( exec 3<>"/dev/tcp/127.0.0.1/$port" ) 2>/dev/null || break
		sleep 0.1
	done
fi

rm -f "$PIDFILE"
say "stopped (pid $pid)"
