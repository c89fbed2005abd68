#!/usr/bin/env bash
# Start the inbucket test bed (github.com/inbucket/inbucket/v3 v3.2.0, built
# here with `go build` from this directory's own module, go.mod's tool
# directive) on 127.0.0.1 for smtpspec's real-server tests.
#
# Usage: testbed/inbucket/start.sh [PORT]     (default port 2529)
#
# Inbucket is a test mail server that accepts any address; policy.lua (its
# before.rcpt_to_accepted hook) gives it the example.test mailboxes. Its
# POP3 and web listeners, which cannot be turned off, are put on loopback
# too: 127.0.0.1:PORT+10000 and 127.0.0.1:PORT+20000.
#
# State lives in ${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}/inbucket:
#   inbucket      the built binary     inbucket.pid  its PID
#   daemon.log    its output           build.log     go build's output
#
# It needs neither root nor apt-get (it binds ports above 1024 and looks up
# no names). Exit codes: 0 running (started now or already), 2 it cannot be
# run here (no go toolchain), 1 any other failure.
set -euo pipefail
umask 022

TESTBED_NAME=inbucket
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

PORT="${1:-2529}"
check_port "$PORT"
POP3_PORT=$((PORT + 10000))
WEB_PORT=$((PORT + 20000))
check_port "$WEB_PORT"
HERE="$(cd "$(dirname "$0")" && pwd)"
STATE="$(realpath -m -- "${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}")/inbucket"
BIN="$STATE/inbucket"
PIDFILE="$STATE/inbucket.pid"
LOG="$STATE/daemon.log"
APT_LOG="$STATE/apt.log"

daemon_alive() { runs_binary "$1" "$BIN"; }
configured_port() { [[ -r "$STATE/port" ]] && cat "$STATE/port" || true; }

[[ -e "$PIDFILE" ]] && { already_running || true; }
command -v go >/dev/null 2>&1 || cannot_run "building it needs the go toolchain (go is not in PATH)"

mkdir -p "$STATE"
exec 9>"$STATE/lock"
flock -w 120 9 || die "timed out waiting for the lock on $STATE/lock"
[[ -e "$PIDFILE" ]] && { already_running || true; }

# go build caches: after the first build (about a minute) this takes a second.
if ! (cd "$HERE" && go build -o "$BIN.new" github.com/inbucket/inbucket/v3/cmd/inbucket) >"$STATE/build.log" 2>&1; then
	cat "$STATE/build.log" >&2
	die "go build of inbucket failed (it needs the Go module proxy the first time)"
fi
mv -f "$BIN.new" "$BIN"

rm -f "$PIDFILE"
for p in "$PORT" "$POP3_PORT" "$WEB_PORT"; do
	port_open "$p" && die "127.0.0.1:$p is already in use by another program; pick another port: $0 PORT"
done
echo "$PORT" >"$STATE/port"
: >"$LOG"
# STARTTLS: inbucket's TLS settings with a self-signed certificate. AUTH:
# inbucket offers PLAIN and LOGIN and accepts any user and password (it has
# no setting for them); the user and password file exist so that the test
# bed looks like the others.
make_cert mail.example.test
make_password
# Settings: listeners on loopback, the HELO domain, the Lua policy, and
# DefaultAccept=false with AcceptDomains=example.test (so even without the
# Lua hook nothing for another domain is accepted). Everything else is
# inbucket's default (memory store, 200 recipients, 10240000-byte messages,
# 300 s idle timeout), plus STARTTLS.
(
	cd "$STATE"
	export INBUCKET_LOGLEVEL=info \
		INBUCKET_SMTP_ADDR="127.0.0.1:$PORT" \
		INBUCKET_SMTP_DOMAIN=mail.example.test \
		INBUCKET_SMTP_DEFAULTACCEPT=false \
		INBUCKET_SMTP_ACCEPTDOMAINS=example.test \
		INBUCKET_SMTP_TLSENABLED=true \
		INBUCKET_SMTP_TLSCERT="$TLS_CERT" \
		INBUCKET_SMTP_TLSPRIVKEY="$TLS_KEY" \
		INBUCKET_POP3_ADDR="127.0.0.1:$POP3_PORT" \
		INBUCKET_POP3_DOMAIN=mail.example.test \
		INBUCKET_WEB_ADDR="127.0.0.1:$WEB_PORT" \
		INBUCKET_LUA_PATH="$HERE/policy.lua"
	exec setsid "$BIN" >>"$LOG" 2>&1 </dev/null 9>&-
) &
DAEMON_PID=$!
echo "$DAEMON_PID" >"$PIDFILE"
wait_greeting "$DAEMON_PID" "$PORT" 30 "$LOG"
say "listening on 127.0.0.1:$PORT (pid $DAEMON_PID)"
