#!/usr/bin/env bash
# Start the go-smtp test bed (testbed/gosmtp/main.go on
# github.com/emersion/go-smtp v0.25.1, built here with `go build`) on
# 127.0.0.1 for smtpspec's real-server tests.
#
# Usage: testbed/gosmtp/start.sh [PORT]     (default port 2530)
#
# State lives in ${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}/gosmtp:
#   gosmtp       the built binary      gosmtp.pid  its PID
#   daemon.log   its output            build.log   go build's output
#   tls/         cert.pem, key.pem (self-signed)    password  the AUTH user's password
#
# It needs neither root nor apt-get (it binds a port above 1024 and never
# looks up a name). Exit codes: 0 running (started now or already), 2 it
# cannot be run here (no go toolchain), 1 any other failure.
set -euo pipefail
umask 022

TESTBED_NAME=gosmtp
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

PORT="${1:-2530}"
check_port "$PORT"
HERE="$(cd "$(dirname "$0")" && pwd)"
STATE="$(realpath -m -- "${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}")/gosmtp"
BIN="$STATE/gosmtp"
PIDFILE="$STATE/gosmtp.pid"
LOG="$STATE/daemon.log"
APT_LOG="$STATE/apt.log"
HOST=mail.example.test

daemon_alive() { runs_binary "$1" "$BIN"; }
configured_port() { [[ -r "$STATE/port" ]] && cat "$STATE/port" || true; }

[[ -e "$PIDFILE" ]] && { already_running || true; }
command -v go >/dev/null 2>&1 || cannot_run "building it needs the go toolchain (go is not in PATH)"

mkdir -p "$STATE"
exec 9>"$STATE/lock"
flock -w 120 9 || die "timed out waiting for the lock on $STATE/lock"
[[ -e "$PIDFILE" ]] && { already_running || true; }

# Built at every start (go build caches), from the repository's own module.
(cd "$HERE" && go build -o "$BIN.new" . >"$STATE/build.log" 2>&1) ||
	{ cat "$STATE/build.log" >&2; die "go build failed"; }
mv -f "$BIN.new" "$BIN"

rm -f "$PIDFILE"
port_open "$PORT" && die "127.0.0.1:$PORT is already in use by another program; pick another port: $0 PORT"
echo "$PORT" >"$STATE/port"
: >"$LOG"
# STARTTLS with a self-signed certificate, AUTH with one user (main.go).
make_cert "$HOST"
make_password
setsid "$BIN" -addr "127.0.0.1:$PORT" -cert "$TLS_CERT" -key "$TLS_KEY" -user "$TEST_USER" \
	-password-file "$STATE/password" >>"$LOG" 2>&1 </dev/null 9>&- &
DAEMON_PID=$!
echo "$DAEMON_PID" >"$PIDFILE"
wait_greeting "$DAEMON_PID" "$PORT" 30 "$LOG"
say "listening on 127.0.0.1:$PORT (pid $DAEMON_PID)"
