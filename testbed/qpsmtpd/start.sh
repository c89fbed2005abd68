#!/usr/bin/env bash
# Start a private qpsmtpd (Debian bookworm's qpsmtpd 0.94, the forking
# server) on 127.0.0.1 for smtpspec's real-server tests.
#
# Usage: testbed/qpsmtpd/start.sh [PORT]     (default port 2528)
#
# The qpsmtpd package is not installed (its maintainer scripts ask debconf
# questions and set up a system-wide service): `apt-get download qpsmtpd` and
# `dpkg -x` into the state directory; the Perl libraries it depends on are
# installed with apt-get (they are ordinary libraries).
#
# State lives in ${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}/qpsmtpd:
#   debs/, root/  the .deb and its unpacked contents
#   config/       QPSMTPD_CONFIG: plugins, rcpthosts, rcpt_map, ... (rewritten at every start)
#   spool/        spool_dir                mail/   delivered mail (queue/maildir)
#   netns/        resolv.conf, nsswitch.conf, hosts bind-mounted for the daemon
#   qpsmtpd.pid   PID of the forkserver    qpsmtpd.log  its log   daemon.log  its stderr
#
# Exit codes: 0 running (started now or already), 2 qpsmtpd cannot be run
# here (not root, or not unpacked and no apt-get), 1 any other failure.
# See testbed/README.md.
set -euo pipefail
umask 022

TESTBED_NAME=qpsmtpd
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

PORT="${1:-2528}"
check_port "$PORT"
BASE="$(realpath -m -- "${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}")"
STATE="$BASE/qpsmtpd"
[[ "$STATE" =~ [[:space:]] ]] && die "state directory must not contain spaces: $STATE"
ROOT="$STATE/root"
SERVER="$ROOT/usr/bin/qpsmtpd-forkserver"
CONF="$STATE/config"
PIDFILE="$STATE/qpsmtpd.pid"
LOG="$STATE/daemon.log"
APT_LOG="$STATE/apt.log"
HOST=mail.example.test
RUN_USER=qpsmtpd # the user Debian's package creates and runs it as
PERL_DEPS=(libdigest-hmac-perl libmail-spf-perl libnet-dns-perl libmailtools-perl
	libipc-shareable-perl libclamav-client-perl libsocket6-perl libio-socket-inet6-perl
	libnet-ip-perl) # Net::IP: used by the relay plugin, missing from the package's Depends

# daemon_alive PID: a perl process running this test bed's forkserver.
daemon_alive() {
	pid_alive "$1" || return 1
	[[ ! -r "/proc/$1/cmdline" ]] || tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "$SERVER"
}
configured_port() { [[ -r "$STATE/port" ]] && cat "$STATE/port" || true; }

[[ -e "$PIDFILE" ]] && { already_running || true; }
[[ "$(id -u)" == 0 ]] || cannot_run "needs root (private mount namespace for name lookups, and the server drops to user $RUN_USER)"
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
if ! [[ -x "$SERVER" ]] && ! command -v apt-get >/dev/null 2>&1; then
	cannot_run "qpsmtpd is not unpacked in $ROOT and fetching it needs apt-get"
fi

mkdir -p -m 755 "$BASE" "$STATE"
exec 9>"$STATE/lock"
flock -w 120 9 || die "timed out waiting for the lock on $STATE/lock"
[[ -e "$PIDFILE" ]] && { already_running || true; }

[[ -x "$SERVER" ]] || unpack_debs "$ROOT" qpsmtpd
install_pkgs perl "${PERL_DEPS[@]}"
if ! getent passwd "$RUN_USER" >/dev/null; then
	say "creating the system user $RUN_USER"
	adduser --system --group --quiet --home "$STATE/spool" --no-create-home \
		--disabled-login "$RUN_USER" >>"$STATE/adduser.log" 2>&1 ||
		die "adduser $RUN_USER failed (see $STATE/adduser.log)"
fi

rm -f "$PIDFILE"
port_open "$PORT" && die "127.0.0.1:$PORT is already in use by another program; pick another port: $0 PORT"
echo "$PORT" >"$STATE/port"

# ---------------------------------------------------------------- config
# Debian's /etc/qpsmtpd, with the paths moved here and these changes:
# relayclients empty (Debian lists 127.0.0.1, which would make every test
# connection a relay client), rcpthosts = example.test, rcpt_map for the
# mailboxes, queue/maildir for delivery.
rm -rf "$CONF"
mkdir -p "$CONF" "$STATE/spool" "$STATE/mail"
for f in badhelo badmailfrom badrcptto dnsbl_zones rhsbl_zones; do
	cp "$ROOT/etc/qpsmtpd/$f" "$CONF/$f"
done
echo "$ROOT/usr/share/qpsmtpd/plugins" >"$CONF/plugin_dirs"
echo "$STATE/spool" >"$CONF/spool_dir"
echo "$HOST" >"$CONF/me"
echo 6 >"$CONF/loglevel"
echo "logging/file loglevel LOGINFO $STATE/qpsmtpd.log" >"$CONF/logging"
echo example.test >"$CONF/rcpthosts"
: >"$CONF/relayclients"
cat >"$CONF/rcpt_map_example_test" <<MAP
alice@example.test OK recipient ok
bob@example.test OK recipient ok
postmaster@example.test OK recipient ok
MAP
# (one space between the fields: the plugin splits on single spaces)
# STARTTLS: the tls plugin with the self-signed certificate (the plugin wants
# a CA file too: the certificate itself), the key readable by $RUN_USER.
# AUTH: auth/auth_flat_file (PLAIN, LOGIN, CRAM-MD5) with the user
# $TEST_USER in flat_auth_pw.
make_cert "$HOST" "$RUN_USER"
make_password
(umask 027 && printf '%s:%s\n' "$TEST_USER" "$PASSWORD" >"$CONF/flat_auth_pw")
chown "root:$RUN_USER" "$CONF/flat_auth_pw"
chmod 640 "$CONF/flat_auth_pw"
# Debian's plugins file, with three changes: the deprecated check_* names
# replaced by the plugins they wrap, as Debian's README.check_plugins says to
# (the check_loop wrapper loses loop's max_hops default, so every message
# would get "552 Too many hops"); rcpt_map before rcpt_ok; the queue plugin in
# place of the debconf-chosen include; and tls and auth/auth_flat_file, the
# plugins that give STARTTLS and AUTH (Debian's file has neither).
cat >"$CONF/plugins" <<PLUGINS
tls $TLS_CERT $TLS_KEY $TLS_CERT
auth/auth_flat_file
earlytalker action log
relay
rhsbl
dnsbl
helo
badmailfrom
badrcptto
loop
rcpt_map domain example.test file $CONF/rcpt_map_example_test default DENY=No_such_user_here
rcpt_ok
queue/maildir $STATE/mail %d/%l
PLUGINS
chown -R "$RUN_USER:$RUN_USER" "$STATE/spool" "$STATE/mail"
chmod 700 "$STATE/spool"
touch "$STATE/qpsmtpd.log"
chown "$RUN_USER" "$STATE/qpsmtpd.log"

# ---------------------------------------------------------------- start
# Name lookups: qpsmtpd's plugins and its client PTR lookup use Net::DNS,
# which asks a name server directly (not /etc/hosts) from an unconnected UDP
# socket: with nothing on port 53 each lookup waits about 75 s. nodns.py
# answers NXDOMAIN at once on 127.0.0.1:NODNS_PORT; RES_NAMESERVERS and
# resolv.conf's "options port:N" (read by Net::DNS only; the C library ignores
# it) points the daemon at it.
NODNS_PORT="${SMTPSPEC_QPSMTPD_DNS_PORT:-$((PORT + 10000))}"
check_port "$NODNS_PORT"
p="$(read_pidfile_of "$STATE/nodns.pid")"
if pid_alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF nodns.py; then
	kill -TERM "$p" 2>/dev/null || true
	sleep 0.2
fi
setsid python3 "$(cd "$(dirname "$0")" && pwd)/nodns.py" "$NODNS_PORT" >"$STATE/nodns.log" 2>&1 </dev/null 9>&- &
echo $! >"$STATE/nodns.pid"
make_netns "$STATE/netns" "$HOST"
echo "options port:$NODNS_PORT" >>"$STATE/netns/resolv.conf"
start_daemon "$STATE/netns" "$HOST" "$LOG" \
	env QPSMTPD_CONFIG="$CONF" PERL5LIB="$ROOT/usr/share/perl5" \
	perl -T -I"$ROOT/usr/share/perl5" "$SERVER" --listen-address "127.0.0.1:$PORT" --user "$RUN_USER" \
	--pid-file "$STATE/forkserver.pid"
echo "$DAEMON_PID" >"$PIDFILE"
wait_greeting "$DAEMON_PID" "$PORT" 30 "$LOG" "$STATE/qpsmtpd.log"
say "listening on 127.0.0.1:$PORT (pid $DAEMON_PID)"
