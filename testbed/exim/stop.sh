#!/usr/bin/env bash
# Stop the private Exim daemon started by testbed/exim/start.sh, and nothing
# else: by the daemon PID it recorded (never pkill/killall). Exits 0 if it is
# not running, 2 if it runs but the caller is not root.
set -euo pipefail

BASE="${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}"
BASE="$(realpath -m -- "$BASE")"
STATE="$BASE/exim"
EXIM="$STATE/root/usr/sbin/exim4"
CONF="$STATE/etc/exim4.conf"
PIDFILE="$STATE/exim.pid"
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"

say() { echo "exim testbed: $*"; }
die() { echo "exim testbed: $*" >&2; exit 1; }

[[ -d "$STATE" ]] || { say "not running (no $STATE)"; exit 0; }

if [[ -w "$STATE" ]]; then
	exec 9>"$STATE/lock"
	flock -w 120 9 || die "timed out waiting for the lock on $STATE/lock"
fi

# is_our_daemon PID: PID is alive (not a zombie) and runs this test bed's exim4.
is_our_daemon() {
	local p="${1:-}" exe
	[[ "$p" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$p" 2>/dev/null || [[ -d "/proc/$p" ]] || return 1
	# An exited daemon stays a zombie until PID 1 reaps it: count it as stopped.
	[[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]] || return 1
	exe="$(readlink "/proc/$p/exe" 2>/dev/null || true)"
	[[ -z "$exe" || "$exe" == "$EXIM" ]]
}

pid=""
[[ -r "$PIDFILE" ]] && pid="$(tr -dc '0-9' <"$PIDFILE")"

if ! is_our_daemon "$pid"; then
	rm -f "$PIDFILE" 2>/dev/null || true
	say "not running"
	exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
	echo "exim testbed: not stopped: the Exim daemon (pid $pid) runs as root; run $0 as root" >&2
	exit 2
fi

# SIGTERM makes the daemon close its listening socket and exit; the processes
# of sessions in progress are its children in its own session (setsid), and
# finish on their own. After 5 s, SIGKILL the daemon's process group (the
# daemon is a session and group leader, so that is only this instance).
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 50); do
	is_our_daemon "$pid" || break
	sleep 0.1
done
if is_our_daemon "$pid"; then
	echo "exim testbed: warning: daemon (pid $pid) ignored SIGTERM for 5 s; killing its process group" >&2
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	sleep 0.5
fi
is_our_daemon "$pid" && die "could not stop the Exim daemon (pid $pid)"

# Wait until nothing holds the listening socket, so that an immediate
# start.sh finds the port free.
port="$(sed -n 's/^local_interfaces = <; 127\.0\.0\.1\.\([0-9][0-9]*\)$/\1/p' "$CONF" 2>/dev/null | head -n1 || true)"
if [[ -n "$port" ]]; then
	for _ in $(seq 1 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
		sleep 0.1
	done
fi

rm -f "$PIDFILE"
say "stopped (pid $pid)"
