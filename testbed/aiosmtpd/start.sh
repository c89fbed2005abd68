#!/usr/bin/env bash
# Start the aiosmtpd test bed on 127.0.0.1 for smtpspec's real-server tests.
#
# Usage: testbed/aiosmtpd/start.sh [PORT]      (default port 2531)
#
# Exit codes: 0 running, 2 aiosmtpd cannot be run here (not installed, and
# installing python3-aiosmtpd needs root and apt-get), 1 any other failure.
set -euo pipefail

PORT="${1:-2531}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then
	echo "aiosmtpd testbed: invalid port: $PORT (usage: $0 [PORT])" >&2
	exit 1
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
STATE="$(realpath -m -- "${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}")/aiosmtpd"
APT_LOG="$STATE/apt.log"
PIDFILE="$STATE/aiosmtpd.pid"
PY=/usr/bin/python3
TESTBED_NAME=aiosmtpd
# shellcheck source=../lib.sh
source "$HERE/../lib.sh" # for its serialised apt-get

say() { echo "aiosmtpd testbed: $*"; }
die() { echo "aiosmtpd testbed: $*" >&2; exit 1; }

greets() { # greets PORT: a 220 greeting can be read on 127.0.0.1:PORT
	(
		exec 2>/dev/null
		exec 8<>"/dev/tcp/127.0.0.1/$1" || exit 1
		IFS= read -r -t 2 line <&8 || exit 1
		printf 'QUIT\r\n' >&8 || true
		[[ "$line" == 220* ]]
	)
}

mkdir -p "$STATE"
if [[ -r "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && greets "$PORT"; then
	say "already running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
	exit 0
fi

if ! [[ -x "$PY" ]] || ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
	if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
		echo "aiosmtpd testbed: not run: python3-aiosmtpd is not installed and installing it needs root and apt-get" >&2
		exit 2
	fi
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q --no-install-recommends python3-aiosmtpd >"$STATE/apt.log" 2>&1; then
		apt-get update -q >>"$STATE/apt.log" 2>&1 || true
		apt-get install -y -q --no-install-recommends python3-aiosmtpd >>"$STATE/apt.log" 2>&1 ||
			{ tail -n 20 "$STATE/apt.log" >&2; die "installing python3-aiosmtpd failed"; }
	fi
fi

if greets "$PORT"; then
	die "127.0.0.1:$PORT is already in use by another program; pick another port: $0 PORT"
fi
# STARTTLS with a self-signed certificate, AUTH with one user (server.py).
make_cert aiosmtpd.example.test
make_password
setsid "$PY" "$HERE/server.py" "$PORT" "$TLS_CERT" "$TLS_KEY" "$TEST_USER" "$STATE/password" \
	>"$STATE/server.log" 2>&1 </dev/null &
echo $! >"$PIDFILE"
for _ in $(seq 1 100); do
	if greets "$PORT"; then
		say "listening on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
		exit 0
	fi
	kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { cat "$STATE/server.log" >&2; die "the server exited"; }
	sleep 0.1
done
cat "$STATE/server.log" >&2
die "no greeting on 127.0.0.1:$PORT within 10 s"
