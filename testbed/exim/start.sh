#!/usr/bin/env bash
# Start a private Exim 4.96 daemon on 127.0.0.1 for smtpspec's real-server tests.
#
# Usage: testbed/exim/start.sh [PORT]        (default port 2532)
#
# Debian's MTAs conflict as packages and the system MTA may be Postfix, so
# Exim is not installed: exim4-daemon-light and exim4-base are fetched with
# `apt-get download` and unpacked with `dpkg -x` into the state directory, and
# the daemon runs from there with a private configuration.
#
# State lives in ${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}/exim:
#   debs/      the downloaded .deb files     root/  their unpacked contents
#   etc/       exim4.conf (generated at every start)
#   spool/     spool_directory               log/   mainlog, rejectlog, paniclog
#   mail/      delivered mail (Maildir per user: mail/example.test/alice/new/...)
#   netns/     resolv.conf, nsswitch.conf, hosts bind-mounted for the daemon
#   exim.pid   PID of the daemon             daemon.log  its stdout/stderr
#
# Exit codes: 0 running (started now or already), 2 Exim cannot be run here
# (not root, or no apt-get to fetch it), 1 any other failure.
# See testbed/README.md.
set -euo pipefail
umask 022

PORT="${1:-2532}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
	echo "exim testbed: invalid port: $PORT (usage: $0 [PORT])" >&2
	exit 1
fi

BASE="${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}"
BASE="$(realpath -m -- "$BASE")"
STATE="$BASE/exim"
if [[ "$STATE" =~ [[:space:]:,\;\$\\] ]]; then
	echo "exim testbed: state directory must not contain spaces or : , ; \$ \\: $STATE" >&2
	exit 1
fi
DEBS="$STATE/debs"
ROOT="$STATE/root"
EXIM="$ROOT/usr/sbin/exim4"
CONF_DIR="$STATE/etc"
CONF="$CONF_DIR/exim4.conf"
SPOOL="$STATE/spool"
LOGDIR="$STATE/log"
MAILDIR="$STATE/mail"
NSDIR="$STATE/netns"
PIDFILE="$STATE/exim.pid"
DAEMON_LOG="$STATE/daemon.log"
# Exim's compiled-in list of -C files that keep root privilege (Debian build).
TRUSTED_LIST=/etc/exim4/trusted_configs
EXIM_USER=Debian-exim
HOSTNAME_FQDN="mail.example.test"
START_TIMEOUT=30

TESTBED_NAME=exim
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

# is_our_daemon PID: PID is alive (not a zombie) and runs this test bed's exim4.
is_our_daemon() {
	local p="${1:-}"
	pid_alive "$p" || return 1
	local exe
	exe="$(readlink "/proc/$p/exe" 2>/dev/null || true)"
	# A non-root caller cannot read root's /proc/PID/exe: trust the PID file.
	[[ -z "$exe" || "$exe" == "$EXIM" ]]
}

# daemon_alive PID: the recorded daemon is running (used by already_running).
daemon_alive() { is_our_daemon "$1"; }

# configured_port: the port in the generated exim4.conf, if any.
configured_port() {
	[[ -r "$CONF" ]] || return 0
	sed -n 's/^local_interfaces = <; 127\.0\.0\.1\.\([0-9][0-9]*\)$/\1/p' "$CONF" | head -n1
}


if [[ -e "$PIDFILE" ]]; then
	already_running || true
fi

# ---------------------------------------------------------------- root
if [[ "$(id -u)" != 0 ]]; then
	cannot_run "running an Exim daemon needs root (it binds as root, receives as $EXIM_USER and regains root to deliver)"
fi
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
if ! [[ -x "$EXIM" ]] && ! command -v apt-get >/dev/null 2>&1; then
	cannot_run "Exim is not unpacked in $ROOT and fetching it needs apt-get"
fi

mkdir -p -m 755 "$BASE" "$STATE"
chown root:root "$STATE"
chmod 755 "$STATE"

# One start.sh/stop.sh at a time per state directory.
exec 9>"$STATE/lock"
flock -w 120 9 || die "timed out waiting for the lock on $STATE/lock"

if [[ -e "$PIDFILE" ]]; then
	already_running || true
fi

# ---------------------------------------------------------------- fetch, unpack
APT_LOG="$STATE/apt.log"

# apt_retry CMD...: run an apt-get command; on failure run apt-get update once
# and retry.
apt_retry() {
	if ! DEBIAN_FRONTEND=noninteractive "$@" >>"$APT_LOG" 2>&1; then
		say "$1 failed; running apt-get update and retrying"
		DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$APT_LOG" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive "$@" >>"$APT_LOG" 2>&1 || {
			tail -n 20 "$APT_LOG" >&2
			die "'$*' failed (full log: $APT_LOG)"
		}
	fi
}

fetch_exim() {
	say "fetching exim4-daemon-light and exim4-base with apt-get download (log: $APT_LOG)"
	rm -rf "$DEBS" "$ROOT"
	mkdir -p -m 755 "$DEBS"
	# apt-get download writes into the current directory; _apt may not be
	# able to write there (a warning only: it then downloads as root).
	(cd "$DEBS" && apt_retry apt-get download -q exim4-daemon-light exim4-base)
	local deb
	mkdir -p -m 755 "$ROOT.tmp"
	for deb in "$DEBS"/exim4-daemon-light_*.deb "$DEBS"/exim4-base_*.deb; do
		[[ -f "$deb" ]] || die "apt-get download left no $deb"
		dpkg -x "$deb" "$ROOT.tmp" || die "dpkg -x $deb failed"
	done
	mv "$ROOT.tmp" "$ROOT"
}

# install_libs: install (with apt-get install) the libraries the daemon
# package depends on that are missing; the packages themselves are never
# installed (they conflict with the system MTA).
install_libs() {
	local deb dep pkgs=() missing=()
	deb="$(ls "$DEBS"/exim4-daemon-light_*.deb 2>/dev/null | head -n1 || true)"
	if [[ -n "$deb" ]]; then
		# "libc6 (>= 2.34), libdb5.3, ..." -> first alternative, no version
		while IFS= read -r dep; do
			dep="${dep%%|*}"
			dep="${dep%%(*}"
			dep="${dep//[[:space:]]/}"
			dep="${dep%%:*}"
			[[ "$dep" == lib* ]] && pkgs+=("$dep")
		done < <(dpkg-deb -f "$deb" Depends | tr ',' '\n')
	fi
	for dep in "${pkgs[@]}"; do
		if [[ "$(dpkg-query -W -f='${Status}' "$dep" 2>/dev/null || true)" != *" installed" ]]; then
			missing+=("$dep")
		fi
	done
	if ((${#missing[@]})); then
		say "installing missing libraries: ${missing[*]} (log: $APT_LOG)"
		apt_retry apt-get install -y -q --no-install-recommends "${missing[@]}"
	fi
}

if ! [[ -x "$EXIM" ]]; then
	fetch_exim
fi
if ldd "$EXIM" 2>/dev/null | grep -q 'not found'; then
	install_libs
fi
if ldd "$EXIM" 2>/dev/null | grep -q 'not found'; then
	ldd "$EXIM" | grep 'not found' >&2
	die "$EXIM still misses libraries (see above)"
fi

# ---------------------------------------------------------------- user, trust
if ! getent passwd "$EXIM_USER" >/dev/null; then
	say "creating the system user $EXIM_USER"
	if command -v adduser >/dev/null 2>&1; then
		adduser --system --group --quiet --home /var/spool/exim4 --no-create-home \
			--disabled-login --force-badname "$EXIM_USER" >>"$STATE/adduser.log" 2>&1 ||
			die "adduser $EXIM_USER failed (see $STATE/adduser.log)"
	else
		useradd --system --user-group --home-dir /var/spool/exim4 --no-create-home \
			--shell /usr/sbin/nologin "$EXIM_USER" >>"$STATE/adduser.log" 2>&1 ||
			die "useradd $EXIM_USER failed (see $STATE/adduser.log)"
	fi
fi
EUID_EXIM="$(id -u "$EXIM_USER")"
EGID_EXIM="$(id -g "$EXIM_USER")"

# The daemon drops to $EXIM_USER to receive; to deliver, it re-executes
# itself with -C CONF, and Exim keeps root for that only if CONF is listed in
# its compiled-in TRUSTED_CONFIG_LIST file (root-owned, not group/world
# writable). Without it, delivery would run unprivileged.
if ! grep -qxF "$CONF" "$TRUSTED_LIST" 2>/dev/null; then
	mkdir -p -m 755 "$(dirname "$TRUSTED_LIST")"
	printf '%s\n' "$CONF" >>"$TRUSTED_LIST"
	chown root:root "$TRUSTED_LIST"
	chmod 644 "$TRUSTED_LIST"
	say "listed $CONF in $TRUSTED_LIST"
fi

# ---------------------------------------------------------------- config
pid=""
rm -f "$PIDFILE"
if port_open "$PORT"; then
	die "127.0.0.1:$PORT is already in use by another program (not this test bed's Exim); pick another port: $0 PORT"
fi

mkdir -p -m 755 "$CONF_DIR" "$NSDIR"
chown root:root "$CONF_DIR" "$NSDIR"
chmod 755 "$CONF_DIR" "$NSDIR"
mkdir -p "$SPOOL" "$LOGDIR" "$MAILDIR"
chown "$EUID_EXIM:$EGID_EXIM" "$SPOOL" "$LOGDIR" "$MAILDIR"
chmod 750 "$SPOOL"
chmod 755 "$LOGDIR" "$MAILDIR"

# STARTTLS: a self-signed certificate, its key readable by $EXIM_USER (a
# session reads it after the daemon dropped root). AUTH: the user
# $TEST_USER and its password in an lsearch file that the authenticators
# read (as $EXIM_USER).
make_cert "$HOSTNAME_FQDN" "$EXIM_USER"
make_password
PASSWD="$CONF_DIR/passwd"
(umask 027 && printf '%s: %s\n' "$TEST_USER" "$PASSWORD" >"$PASSWD.new")
chown "root:$EXIM_USER" "$PASSWD.new"
chmod 640 "$PASSWD.new"
mv -f "$PASSWD.new" "$PASSWD"

cat >"$CONF.new" <<EOF
# Generated by smtpspec testbed/exim/start.sh -- do not edit, it is rewritten
# at every start. See testbed/README.md for why each setting is here.

# --- private instance: every path under the state directory
exim_path = $EXIM
spool_directory = $SPOOL
log_file_path = $LOGDIR/%slog
pid_file_path = $STATE/exim-daemon.pid
keep_environment =
log_selector = +smtp_protocol_error +smtp_syntax_error +smtp_no_mail +incoming_interface

# --- identity and listener: loopback only
primary_hostname = $HOSTNAME_FQDN
qualify_domain = example.test
local_interfaces = <; 127.0.0.1.$PORT
disable_ipv6 = true

# --- the one local domain; nothing is relayed
domainlist local_domains = example.test
domainlist relay_to_domains =
hostlist relay_from_hosts =

# --- no name lookups off the machine
host_lookup =
helo_lookup_domains =
rfc1413_hosts =
rfc1413_query_timeout = 0s

# --- STARTTLS with this instance's self-signed certificate
tls_certificate = $TLS_CERT
tls_privatekey = $TLS_KEY
tls_advertise_hosts = *
# (AUTH: the authenticators below; auth_advertise_hosts keeps its default, *,
# so AUTH is offered before STARTTLS too)

# --- ACLs
acl_smtp_rcpt = acl_check_rcpt
# acl_smtp_vrfy and acl_smtp_expn stay unset: Exim's stock answer to VRFY
# and EXPN ("Administrative prohibition").

# --- anti-abuse settings: Exim's stock values, stated (the error limits
# that drop a session are what users point the suite at)
smtp_max_synprot_errors = 3
smtp_max_unknown_commands = 3
smtp_accept_max_nonmail = 10
smtp_accept_max = 20

# --- bounces stay here (there is no router for other domains)
ignore_bounce_errors_after = 0s
timeout_frozen_after = 1d

begin acl

acl_check_rcpt:
  accept  authenticated = *
  deny    message = relay not permitted
          !domains = +local_domains
  require verify = recipient
  accept

begin routers

postmaster:
  driver = redirect
  domains = +local_domains
  local_parts = postmaster
  data = alice@example.test

mailboxes:
  driver = accept
  domains = +local_domains
  local_parts = alice : bob
  transport = maildir

# No dnslookup/manualroute router and no smtp transport: an address in any
# other domain is unrouteable, so nothing can leave the machine.

begin transports

maildir:
  driver = appendfile
  directory = $MAILDIR/example.test/\$local_part_data
  maildir_format
  create_directory
  user = $EXIM_USER
  group = $EXIM_USER
  mode = 0600
  delivery_date_add
  envelope_to_add
  return_path_add

begin authenticators

# PLAIN, LOGIN and CRAM-MD5 against $PASSWD (user: password lines).
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if eq{\$auth3}{\${lookup{\$auth2}lsearch{$PASSWD}{\$value}fail}}}
  server_set_id = \$auth2

login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = \${if eq{\$auth2}{\${lookup{\$auth1}lsearch{$PASSWD}{\$value}fail}}}
  server_set_id = \$auth1

cram_md5:
  driver = cram_md5
  public_name = CRAM-MD5
  server_secret = \${lookup{\$auth1}lsearch{$PASSWD}{\$value}fail}
  server_set_id = \$auth1

begin retry

*   *   F,1h,15m
EOF
chown root:root "$CONF.new"
chmod 644 "$CONF.new"
mv -f "$CONF.new" "$CONF"

if ! "$EXIM" -C "$CONF" -bV >"$STATE/check.log" 2>&1; then
	cat "$STATE/check.log" >&2
	die "generated $CONF is not valid"
fi

# Name service for the daemon: nothing resolves off the machine.
printf 'nameserver 127.0.0.1\n' >"$NSDIR/resolv.conf"
if [[ -r /etc/nsswitch.conf ]]; then
	sed -e 's/^hosts:.*/hosts:          files/' /etc/nsswitch.conf >"$NSDIR/nsswitch.conf"
	grep -q '^hosts:' "$NSDIR/nsswitch.conf" || echo 'hosts:          files' >>"$NSDIR/nsswitch.conf"
else
	printf 'passwd: files\ngroup: files\nhosts: files\n' >"$NSDIR/nsswitch.conf"
fi
printf '127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$HOSTNAME_FQDN" >"$NSDIR/hosts"

# ---------------------------------------------------------------- start
# A private mount+UTS namespace with our resolv.conf, nsswitch.conf and hosts
# bind-mounted over /etc and the host name mail.example.test: the daemon and
# every process it forks inherit them. unshare and the inner bash exec, so the
# PID that setsid gets is the daemon's own. Fall back to a plain start if
# namespaces are refused; the settings above avoid DNS already.
ISOLATE='
	set -e
	ns="$1"; host="$2"; shift 2
	for f in resolv.conf nsswitch.conf hosts; do
		if [ -e "/etc/$f" ]; then mount --bind "$ns/$f" "/etc/$f"; fi
	done
	hostname "$host"
	exec "$@"'
isolate=0
if command -v unshare >/dev/null 2>&1 &&
	unshare -m -u -- /bin/bash -c "$ISOLATE" isolate "$NSDIR" "$HOSTNAME_FQDN" true >"$STATE/isolate.log" 2>&1; then
	isolate=1
else
	echo "exim testbed: warning: no private mount/UTS namespace (see $STATE/isolate.log); starting without one" >&2
fi

: >"$DAEMON_LOG"
if ((isolate)); then
	setsid unshare -m -u -- /bin/bash -c "$ISOLATE" isolate "$NSDIR" "$HOSTNAME_FQDN" \
		"$EXIM" -C "$CONF" -bdf >>"$DAEMON_LOG" 2>&1 </dev/null 9>&- &
else
	setsid "$EXIM" -C "$CONF" -bdf >>"$DAEMON_LOG" 2>&1 </dev/null 9>&- &
fi
pid=$!
echo "$pid" >"$PIDFILE"

# ---------------------------------------------------------------- wait for 220
show_logs() {
	[[ -s "$DAEMON_LOG" ]] && { echo "--- $DAEMON_LOG" >&2; tail -n 20 "$DAEMON_LOG" >&2; }
	local f
	for f in "$LOGDIR/paniclog" "$LOGDIR/mainlog"; do
		[[ -s "$f" ]] && { echo "--- tail of $f" >&2; tail -n 20 "$f" >&2; }
	done
	return 0
}
deadline=$((SECONDS + START_TIMEOUT))
while :; do
	if g="$(greeting "$PORT")"; then
		break
	fi
	if ! kill -0 "$pid" 2>/dev/null || [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]]; then
		show_logs
		rm -f "$PIDFILE"
		die "the Exim daemon (pid $pid) exited before answering on 127.0.0.1:$PORT"
	fi
	if ((SECONDS >= deadline)); then
		show_logs
		die "no 220 greeting on 127.0.0.1:$PORT within ${START_TIMEOUT}s (daemon pid $pid still running; stop it with $(dirname "$0")/stop.sh)"
	fi
	sleep 0.1
done

say "listening on 127.0.0.1:$PORT (pid $pid)"
