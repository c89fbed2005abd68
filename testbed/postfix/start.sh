#!/usr/bin/env bash
# Start a private Postfix instance on 127.0.0.1 for smtpspec's real-server tests.
#
# Usage: testbed/postfix/start.sh [PORT]        (default port 2525)
#
# State lives in ${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}/postfix:
#   etc/       private config directory (main.cf, master.cf)
#   queue/     queue_directory          data/  data_directory
#   mail/      delivered mail (Maildir per user: mail/example.test/alice/new/...)
#   netns/     resolv.conf, nsswitch.conf, hosts bind-mounted for the instance
#   maillog    Postfix's log           postfix.pid  PID of the master process
#
# Exit codes: 0 running (started now or already), 2 Postfix cannot be run
# here (not root, or not installed and no way to install it), 1 any other
# failure. See testbed/README.md.
set -euo pipefail
umask 022

PORT="${1:-2525}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then
	echo "postfix testbed: invalid port: $PORT (usage: $0 [PORT])" >&2
	exit 1
fi

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
if [[ "$STATE" =~ [[:space:],] ]]; then
	echo "postfix testbed: state directory must not contain spaces or commas: $STATE" >&2
	exit 1
fi
CONF="$STATE/etc"
QUEUE="$STATE/queue"
DATA="$STATE/data"
MAILDIR="$STATE/mail"
NSDIR="$STATE/netns"
MAILLOG="$STATE/maillog"
PIDFILE="$STATE/postfix.pid"
HOSTNAME_FQDN="mail.example.test"
START_TIMEOUT=30

TESTBED_NAME=postfix
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

# configured_port: the port in the private master.cf, if any.
# daemon_alive PID: the recorded master is running (used by already_running).
daemon_alive() { pid_alive "$1"; }

configured_port() {
	[[ -r "$CONF/master.cf" ]] || return 0
	sed -n 's/^127\.0\.0\.1:\([0-9][0-9]*\)[[:space:]].*/\1/p' "$CONF/master.cf" | head -n1
}


if [[ -e "$PIDFILE" ]]; then
	already_running || true
fi

# ---------------------------------------------------------------- root, install
if [[ "$(id -u)" != 0 ]]; then
	if ! command -v postfix >/dev/null 2>&1 && ! [[ -x /usr/sbin/postfix ]]; then
		cannot_run "postfix is not installed and installing needs root and apt-get"
	fi
	cannot_run "running a Postfix instance needs root (Postfix's master runs as root and drops privileges)"
fi

export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
mkdir -p -m 755 "$BASE" "$STATE"
chown root:root "$STATE"
chmod 755 "$STATE"

# One start.sh/stop.sh at a time per state directory (go test runs packages in
# parallel, and several may ask for the test bed at once).
exec 9>"$STATE/lock"
flock -w 120 9 || die "timed out waiting for the lock on $STATE/lock"

# Someone may have started it while we waited for the lock.
if [[ -e "$PIDFILE" ]]; then
	already_running || true
fi

install_postfix() {
	command -v apt-get >/dev/null 2>&1 ||
		cannot_run "postfix is not installed and installing needs root and apt-get (apt-get not found)"
	local log="$STATE/apt.log"
	say "installing postfix with apt-get (log: $log)"
	# Answer the package's question with "No configuration": the system-wide
	# /etc/postfix stays unconfigured, so no system instance is started on
	# port 25 by the install; only the private instance below runs.
	if command -v debconf-set-selections >/dev/null 2>&1; then
		echo "postfix postfix/main_mailer_type select No configuration" |
			debconf-set-selections >>"$log" 2>&1 || true
	fi
	local apt_install=(apt-get install -y -q --no-install-recommends postfix)
	if ! DEBIAN_FRONTEND=noninteractive "${apt_install[@]}" >>"$log" 2>&1; then
		say "apt-get install failed; running apt-get update and retrying"
		DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive "${apt_install[@]}" >>"$log" 2>&1 || {
			tail -n 20 "$log" >&2
			die "apt-get install postfix failed (full log: $log)"
		}
	fi
}

if ! [[ -x /usr/sbin/postfix && -x /usr/sbin/postconf && -x /usr/sbin/postmap ]]; then
	install_postfix
fi
[[ -x /usr/sbin/postfix ]] || die "postfix still missing after install"
# AUTH: Cyrus SASL with a sasldb (saslpasswd2 from sasl2-bin; the PLAIN,
# LOGIN, CRAM-MD5 and sasldb plugins from libsasl2-modules and
# libsasl2-modules-db; sasl2-bin's saslauthd is not used).
APT_LOG="$STATE/apt.log"
install_pkgs sasl2-bin libsasl2-modules libsasl2-modules-db
command -v saslpasswd2 >/dev/null 2>&1 || die "saslpasswd2 still missing after installing sasl2-bin"

DAEMON_DIR="$(postconf -dh daemon_directory)"
[[ -x "$DAEMON_DIR/master" ]] || die "no Postfix master program in $DAEMON_DIR"
MAIL_OWNER="$(postconf -dh mail_owner)"
id "$MAIL_OWNER" >/dev/null 2>&1 || die "Postfix mail_owner user '$MAIL_OWNER' does not exist (broken postfix install?)"
VUSER=nobody
VUID="$(id -u "$VUSER")"
VGID="$(id -g "$VUSER")"

# A master that is running for this config but not answering (yet).
if [[ -r "$QUEUE/pid/master.pid" ]] && [[ -r "$CONF/main.cf" ]] &&
	! "$DAEMON_DIR/master" -c "$CONF" -t 2>/dev/null; then
	pid="$(tr -dc '0-9' <"$QUEUE/pid/master.pid")"
	echo "$pid" >"$PIDFILE"
	gport="$(configured_port)"
	if [[ -n "$gport" && "$gport" != "$PORT" ]]; then
		die "already running on 127.0.0.1:$gport (pid $pid), not on port $PORT; run $(dirname "$0")/stop.sh first"
	fi
	say "a master (pid $pid) is already running for $CONF; waiting for its greeting"
else
	pid=""
fi

if [[ -z "$pid" ]]; then
	rm -f "$PIDFILE"
	if port_open "$PORT"; then
		die "127.0.0.1:$PORT is already in use by another program (not this test bed's Postfix); pick another port: $0 PORT"
	fi

	# ------------------------------------------------------------ config
	mkdir -p -m 755 "$CONF" "$QUEUE" "$NSDIR"
	chown root:root "$CONF" "$QUEUE" "$NSDIR"
	chmod 755 "$CONF" "$QUEUE" "$NSDIR"
	# Delivered mail is written by the virtual(8) agent as $VUSER.
	mkdir -p "$MAILDIR"
	chown "$VUID:$VGID" "$MAILDIR"
	chmod 755 "$MAILDIR"
	# data_directory is created (owned by mail_owner) by post-install.

	# STARTTLS: a self-signed certificate (smtpd reads the key as root,
	# before dropping privileges). AUTH: the user $TEST_USER in a sasldb that
	# smtpd (running as $MAIL_OWNER) reads.
	make_cert "$HOSTNAME_FQDN"
	make_password
	mkdir -p -m 755 "$CONF/sasl"
	printf '%s\n' "# Cyrus SASL config of smtpd (cyrus_sasl_config_path), generated by smtpspec testbed/postfix/start.sh" \
		"pwcheck_method: auxprop" "auxprop_plugin: sasldb" "sasldb_path: $STATE/sasldb2" \
		"mech_list: PLAIN LOGIN CRAM-MD5" >"$CONF/sasl/smtpd.conf"
	rm -f "$STATE/sasldb2" "$STATE/sasldb2.tmp"
	printf '%s' "$PASSWORD" |
		saslpasswd2 -f "$STATE/sasldb2.tmp" -p -c -u "${TEST_USER#*@}" "${TEST_USER%%@*}" >"$STATE/saslpasswd2.log" 2>&1 ||
		die "saslpasswd2 failed (see $STATE/saslpasswd2.log)"
	chown "root:$(id -gn "$MAIL_OWNER")" "$STATE/sasldb2.tmp"
	chmod 640 "$STATE/sasldb2.tmp"
	mv -f "$STATE/sasldb2.tmp" "$STATE/sasldb2"

	cat >"$CONF/main.cf" <<EOF
# Generated by smtpspec testbed/postfix/start.sh -- do not edit, it is
# rewritten at every start. See testbed/README.md for why each setting is here.
compatibility_level = 3.6

# --- private instance: every path under the state directory
queue_directory = $QUEUE
data_directory = $DATA
maillog_file = $MAILLOG
maillog_file_prefixes = $STATE
syslog_name = postfix-smtpspec

# --- identity
myhostname = $HOSTNAME_FQDN
mydomain = example.test
myorigin = example.test
smtpd_banner = \$myhostname ESMTP \$mail_name
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
biff = no

# --- the one local domain: virtual mailboxes alice and bob, postmaster -> alice
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
virtual_mailbox_domains = example.test
virtual_mailbox_maps = inline:{ alice@example.test=example.test/alice/, bob@example.test=example.test/bob/ }
virtual_alias_maps = inline:{ postmaster@example.test=alice@example.test }
virtual_mailbox_base = $MAILDIR
virtual_uid_maps = static:$VUID
virtual_gid_maps = static:$VGID
virtual_transport = virtual
smtpd_reject_unlisted_recipient = yes

# --- loopback is NOT trusted: relay to other domains is refused
mynetworks = 127.0.0.254/32
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =

# --- nothing ever leaves the machine (there is no smtp/lmtp/local service in master.cf either)
relayhost =
relay_domains =
transport_maps =
default_transport = discard:outbound mail disabled in the smtpspec test bed
relay_transport = discard:relaying disabled in the smtpspec test bed
local_transport = discard:local delivery disabled in the smtpspec test bed
fallback_transport =

# --- no name lookups off the machine
smtpd_peername_lookup = no
smtp_host_lookup = native
lmtp_host_lookup = native
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled

# --- anti-abuse settings: Postfix's stock values, stated (the error
# limits and their tarpit are what users point the suite at)
smtpd_error_sleep_time = 1s
smtpd_soft_error_limit = 10
smtpd_hard_error_limit = 20
smtpd_junk_command_limit = 100
smtpd_recipient_limit = 1000
smtpd_client_connection_rate_limit = 0
disable_vrfy_command = no
smtpd_helo_required = no

# --- STARTTLS: Debian's packaged TLS settings (/usr/share/postfix/main.cf.tls)
# with this instance's self-signed certificate
smtpd_tls_cert_file = $TLS_CERT
smtpd_tls_key_file = $TLS_KEY
smtpd_tls_security_level = may

# --- AUTH: Cyrus SASL with a sasldb (etc/sasl/smtpd.conf); smtpd_tls_auth_only
# keeps its default (no), so AUTH is offered before STARTTLS too
smtpd_sasl_auth_enable = yes
cyrus_sasl_config_path = $CONF/sasl
EOF
	# SMTPSPEC_POSTFIX_MAIN_CF_EXTRA: more main.cf lines for this instance,
	# e.g. "smtpd_forbid_bare_newline = yes" for the hardened instance.
	if [[ -n "${SMTPSPEC_POSTFIX_MAIN_CF_EXTRA:-}" ]]; then
		printf '\n# --- instance settings (SMTPSPEC_POSTFIX_MAIN_CF_EXTRA)\n%s\n' "$SMTPSPEC_POSTFIX_MAIN_CF_EXTRA" >>"$CONF/main.cf"
	fi

	cat >"$CONF/master.cf" <<EOF
# Generated by smtpspec testbed/postfix/start.sh. One SMTP listener, on
# loopback only; no postscreen; no smtp/lmtp/relay/local delivery services.
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$PORT inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
EOF

	# Postfix waits (in 300 ms steps, ~2 s) before reading a config file
	# whose mtime is in the current second, in case it is still being
	# written; the files are complete, so date them back.
	touch -d "@$(($(date +%s) - 10))" "$CONF/main.cf" "$CONF/master.cf"

	# Name service for the instance: nothing resolves off the machine.
	printf 'nameserver 127.0.0.1\n' >"$NSDIR/resolv.conf"
	if [[ -r /etc/nsswitch.conf ]]; then
		sed -e 's/^hosts:.*/hosts:          files/' /etc/nsswitch.conf >"$NSDIR/nsswitch.conf"
		grep -q '^hosts:' "$NSDIR/nsswitch.conf" || echo 'hosts:          files' >>"$NSDIR/nsswitch.conf"
	else
		printf 'passwd: files\ngroup: files\nhosts: files\n' >"$NSDIR/nsswitch.conf"
	fi
	printf '127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$HOSTNAME_FQDN" >"$NSDIR/hosts"

	postconf -c "$CONF" -n >/dev/null 2>"$STATE/postconf.err" || {
		cat "$STATE/postconf.err" >&2
		die "generated main.cf is not valid"
	}

	# ------------------------------------------------------------ start
	# Prefer a private mount+UTS namespace with our resolv.conf, nsswitch.conf
	# and hosts bind-mounted over /etc (and host name mail.example.test): the
	# master and every daemon it forks inherit it, so no lookup can leave the
	# machine whatever the settings. Fall back to a plain start if the kernel
	# or sandbox refuses namespaces; the settings above avoid DNS already.
	# isolated CMD...: run CMD in that namespace.
	isolated() {
		unshare -m -u -- /bin/bash -c '
			set -e
			ns="$1"; host="$2"; shift 2
			for f in resolv.conf nsswitch.conf hosts; do
				if [ -e "/etc/$f" ]; then mount --bind "$ns/$f" "/etc/$f"; fi
			done
			hostname "$host"
			exec "$@"' isolate "$NSDIR" "$HOSTNAME_FQDN" "$@"
	}
	isolate=0
	if command -v unshare >/dev/null 2>&1 && isolated true >"$STATE/isolate.log" 2>&1; then
		isolate=1
	else
		echo "postfix testbed: warning: no private mount/UTS namespace (see $STATE/isolate.log); starting without one" >&2
	fi
	: >"$STATE/start.log"
	start_rc=0
	if ((isolate)); then
		isolated postfix -c "$CONF" start >>"$STATE/start.log" 2>&1 </dev/null || start_rc=$?
	else
		postfix -c "$CONF" start >>"$STATE/start.log" 2>&1 </dev/null || start_rc=$?
	fi
	if ((start_rc != 0)); then
		cat "$STATE/start.log" >&2
		[[ -r "$MAILLOG" ]] && { echo "--- tail of $MAILLOG" >&2; tail -n 20 "$MAILLOG" >&2; }
		die "postfix -c $CONF start failed (exit $start_rc)"
	fi
	pid=""
	for _ in $(seq 1 50); do
		if [[ -s "$QUEUE/pid/master.pid" ]]; then
			pid="$(tr -dc '0-9' <"$QUEUE/pid/master.pid")"
			[[ -n "$pid" ]] && break
		fi
		sleep 0.1
	done
	[[ -n "$pid" ]] || die "no master PID in $QUEUE/pid/master.pid after start"
	echo "$pid" >"$PIDFILE"
fi

# ---------------------------------------------------------------- wait for 220
deadline=$((SECONDS + START_TIMEOUT))
while :; do
	if g="$(greeting "$PORT")"; then
		break
	fi
	if ! pid_alive "$pid"; then
		[[ -r "$MAILLOG" ]] && { echo "--- tail of $MAILLOG" >&2; tail -n 30 "$MAILLOG" >&2; }
		rm -f "$PIDFILE"
		die "the Postfix master (pid $pid) exited before answering on 127.0.0.1:$PORT"
	fi
	if ((SECONDS >= deadline)); then
		[[ -r "$MAILLOG" ]] && { echo "--- tail of $MAILLOG" >&2; tail -n 30 "$MAILLOG" >&2; }
		die "no 220 greeting on 127.0.0.1:$PORT within ${START_TIMEOUT}s (master pid $pid still running; stop it with $(dirname "$0")/stop.sh)"
	fi
	sleep 0.2
done

say "listening on 127.0.0.1:$PORT (pid $pid)"
