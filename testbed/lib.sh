# Shared helpers of the test-bed scripts. Source it after setting
# TESTBED_NAME (the prefix of every message) and PIDFILE.

say() { echo "$TESTBED_NAME testbed: $*"; }
die() { echo "$TESTBED_NAME testbed: $*" >&2; exit 1; }
# cannot_run: the server cannot be run on this machine (exit 2: the
# real-server tests then say NOT RUN, and why).
cannot_run() { echo "$TESTBED_NAME testbed: not run: $*" >&2; exit 2; }

# greeting PORT: print the first line of the server's greeting (CR stripped)
# and return 0 if it is a 220 reply; send QUIT so the server logs a clean end.
greeting() {
	local port="$1" line=""
	# The subshell keeps the descriptor (and any connect error) local.
	line="$( (
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
		IFS= read -r -t 5 l <&3 || exit 1
		# Multi-line greetings: the last line has a space after the code.
		first="$l"
		while [[ "$l" =~ ^[0-9]{3}- ]]; do IFS= read -r -t 5 l <&3 || break; done
		printf 'QUIT\r\n' >&3
		IFS= read -r -t 2 _ <&3 || true
		exec 3<&- 3>&-
		printf '%s' "${first%$'\r'}"
	) 2>/dev/null)" || return 1
	printf '%s\n' "$line"
	[[ "$line" == 220* ]]
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_alive PID: the process exists and is not a zombie (a non-root caller
# cannot signal a root daemon: EPERM, so fall back to /proc).
pid_alive() {
	[[ "${1:-}" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$1" 2>/dev/null || [[ -d "/proc/$1" ]] || return 1
	# Its state, from /proc (readable by anyone): not a zombie, and not gone
	# meanwhile (an exiting process can be reaped between the two looks).
	local st
	st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
	[[ -n "$st" && "$st" != Z ]]
}

# read_pidfile: print the PID recorded in $PIDFILE, if it holds one.
read_pidfile() {
	local p=""
	[[ -r "$PIDFILE" ]] && read -r p <"$PIDFILE" 2>/dev/null || true
	[[ "$p" =~ ^[0-9]+$ ]] && printf '%s\n' "$p"
	return 0
}

# already_running: if the daemon recorded in $PIDFILE runs (daemon_alive PID,
# defined by the script) and greets on $PORT, say so and exit 0; if it runs
# on another port (configured_port, defined by the script), fail.
already_running() {
	local pid gport g
	pid="$(read_pidfile)"
	daemon_alive "$pid" || return 1
	gport="$(configured_port)"
	if [[ -n "$gport" && "$gport" != "$PORT" ]]; then
		die "already running on 127.0.0.1:$gport (pid $pid), not on port $PORT; run $(dirname "$0")/stop.sh first"
	fi
	if g="$(greeting "$PORT")"; then
		say "already running: $g"
		say "listening on 127.0.0.1:$PORT (pid $pid)"
		exit 0
	fi
	return 1
}

# apt-get, serialised. The real-server tests start their test beds side by
# side, and only one apt-get may hold dpkg's lock at a time: each call waits
# for the others (a flock of the test beds' own) and for any other apt user
# (DPkg::Lock::Timeout) instead of failing. Every script that sources this
# file gets it in place of the command.
apt-get() {
	local lockdir="${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}"
	mkdir -p "$lockdir"
	flock -w 900 "$lockdir/apt.lock" apt-get -o DPkg::Lock::Timeout=600 "$@"
}

# ------------------------------------------------------------------------
# Helpers of the later test beds (chasquid, qpsmtpd, gosmtp, dovecot). They
# expect STATE (the state directory) and, for apt_retry, APT_LOG.

# check_port PORT: exit 1 unless PORT is a TCP port number.
check_port() {
	if ! [[ "$1" =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > 65535)); then
		die "invalid port: $1 (usage: $0 [PORT])"
	fi
}

# apt_retry CMD...: run an apt-get command (output to $APT_LOG); on failure
# run apt-get update once and retry.
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

# unpack_debs DIR PKG...: apt-get download PKG... into $STATE/debs and unpack
# them with dpkg -x into DIR (the packages are never installed: Debian's
# MTAs conflict with each other, and their maintainer scripts would start
# system-wide services).
unpack_debs() {
	local dir="$1" deb p
	shift
	rm -rf "$STATE/debs" "$dir" "$dir.tmp"
	mkdir -p -m 755 "$STATE/debs" "$dir.tmp"
	say "fetching $* with apt-get download (log: $APT_LOG)"
	(cd "$STATE/debs" && apt_retry apt-get download -q "$@")
	for p in "$@"; do
		deb="$(ls "$STATE/debs/${p}"_*.deb 2>/dev/null | head -n1 || true)"
		[[ -f "$deb" ]] || die "apt-get download left no ${p}_*.deb"
		dpkg -x "$deb" "$dir.tmp" || die "dpkg -x $deb failed"
	done
	mv "$dir.tmp" "$dir"
}

# install_pkgs PKG...: apt-get install the packages that are not installed.
install_pkgs() {
	local p missing=()
	for p in "$@"; do
		if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != *" installed" ]]; then
			missing+=("$p")
		fi
	done
	((${#missing[@]})) || return 0
	say "installing ${missing[*]} with apt-get (log: $APT_LOG)"
	apt_retry apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# make_netns DIR HOST: the files bind-mounted over /etc for a daemon so that
# no name is looked up off the machine (nameserver 127.0.0.1, hosts: files,
# HOST is 127.0.0.1).
make_netns() {
	local dir="$1" host="$2"
	mkdir -p -m 755 "$dir"
	printf 'nameserver 127.0.0.1\n' >"$dir/resolv.conf"
	if [[ -r /etc/nsswitch.conf ]]; then
		sed -e 's/^hosts:.*/hosts:          files/' /etc/nsswitch.conf >"$dir/nsswitch.conf"
		grep -q '^hosts:' "$dir/nsswitch.conf" || echo 'hosts:          files' >>"$dir/nsswitch.conf"
	else
		printf 'passwd: files\ngroup: files\nhosts: files\n' >"$dir/nsswitch.conf"
	fi
	printf '127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$host" >"$dir/hosts"
}

# start_daemon NSDIR HOST LOG CMD...: start CMD in the background under
# setsid, in a private mount and UTS namespace with NSDIR's files bind-mounted
# over /etc and host name HOST (without namespaces: a warning, and a plain
# start). unshare and the inner bash exec, so DAEMON_PID (set here) is the
# daemon's own PID. Descriptor 9 (the flock) is not inherited.
start_daemon() {
	local ns="$1" host="$2" log="$3"
	shift 3
	local isolate='
		set -e
		ns="$1"; host="$2"; shift 2
		for f in resolv.conf nsswitch.conf hosts; do
			if [ -e "/etc/$f" ]; then mount --bind "$ns/$f" "/etc/$f"; fi
		done
		hostname "$host"
		exec "$@"'
	: >"$log"
	if command -v unshare >/dev/null 2>&1 &&
		unshare -m -u -- /bin/bash -c "$isolate" isolate "$ns" "$host" true >"$STATE/isolate.log" 2>&1; then
		setsid unshare -m -u -- /bin/bash -c "$isolate" isolate "$ns" "$host" "$@" >>"$log" 2>&1 </dev/null 9>&- &
	else
		echo "$TESTBED_NAME testbed: warning: no private mount/UTS namespace (see $STATE/isolate.log); starting without one" >&2
		setsid "$@" >>"$log" 2>&1 </dev/null 9>&- &
	fi
	DAEMON_PID=$!
}

# redact_auth: copy stdin to stdout with the initial response of every AUTH
# command replaced (servers such as qpsmtpd and inbucket log the commands
# they get, and a log's tail is shown when a start fails).
redact_auth() {
	sed -E 's/(AUTH[[:space:]]+[A-Za-z0-9_-]+)[[:space:]]+[^[:space:]]+/\1 <redacted>/g'
}

# wait_greeting PID PORT TIMEOUT LOGFILE...: wait until a 220 greeting can be
# read on PORT; fail (showing the logs' tails) if PID exits or TIMEOUT
# seconds pass.
wait_greeting() {
	local pid="$1" port="$2" timeout="$3" f g deadline
	shift 3
	deadline=$((SECONDS + timeout))
	while :; do
		if g="$(greeting "$port")"; then
			return 0
		fi
		if ! pid_alive "$pid" || ((SECONDS >= deadline)); then
			for f in "$@"; do
				[[ -s "$f" ]] && { echo "--- tail of $f" >&2; tail -n 20 "$f" | redact_auth >&2; }
			done
			pid_alive "$pid" || { rm -f "$PIDFILE"; die "the daemon (pid $pid) exited before answering on 127.0.0.1:$port"; }
			die "no 220 greeting on 127.0.0.1:$port within ${timeout}s (pid $pid still running; stop it with $(dirname "$0")/stop.sh)"
		fi
		sleep 0.1
	done
}

# stop_daemon PORT: stop the daemon recorded in $PIDFILE if daemon_alive
# (defined by the script) says it is ours: SIGTERM, then after 5 s SIGKILL of
# its process group (it leads its own, started under setsid); then wait until
# PORT is free. Never pkill/killall.
stop_daemon() {
	local port="${1:-}" pid
	pid="$(read_pidfile)"
	if ! daemon_alive "$pid"; then
		rm -f "$PIDFILE" 2>/dev/null || true
		say "not running"
		return 0
	fi
	if [[ "$(id -u)" != 0 ]] && ! kill -0 "$pid" 2>/dev/null; then
		echo "$TESTBED_NAME testbed: not stopped: the daemon (pid $pid) is not ours to signal; run $0 as root" >&2
		exit 2
	fi
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do
		daemon_alive "$pid" || break
		sleep 0.1
	done
	if daemon_alive "$pid"; then
		echo "$TESTBED_NAME testbed: warning: daemon (pid $pid) ignored SIGTERM for 5 s; killing its process group" >&2
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		# On a busy machine a killed process can take a while to be gone.
		for _ in $(seq 1 100); do
			daemon_alive "$pid" || break
			sleep 0.1
		done
	fi
	daemon_alive "$pid" && die "could not stop the daemon (pid $pid; state $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo '?'))"
	if [[ -n "$port" ]]; then
		for _ in $(seq 1 50); do
			port_open "$port" || break
			sleep 0.1
		done
	fi
	rm -f "$PIDFILE"
	say "stopped (pid $pid)"
}

# read_pidfile_of FILE: print the PID recorded in FILE, if it holds one.
read_pidfile_of() {
	local p=""
	[[ -r "$1" ]] && read -r p <"$1" 2>/dev/null || true
	[[ "$p" =~ ^[0-9]+$ ]] && printf '%s\n' "$p"
	return 0
}

# stop_prelude: what every stop.sh does first. Set STATE (the test bed's
# state directory, $SMTPSPEC_TESTBED_DIR/$TESTBED_NAME) and PIDFILE; when
# there is no state directory, say so and exit 0 (nothing to stop); else
# take the test bed's lock, as start.sh does, so a start and a stop never
# interleave.
stop_prelude() {
	STATE="$(realpath -m -- "${SMTPSPEC_TESTBED_DIR:-/tmp/smtpspec-testbed}")/$TESTBED_NAME"
	PIDFILE="$STATE/$TESTBED_NAME.pid"
	[[ -d "$STATE" ]] || { say "not running (no $STATE)"; exit 0; }
	if [[ -w "$STATE" ]]; then
		exec 9>"$STATE/lock"
		flock -w 120 9 || die "timed out waiting for the lock on $STATE/lock"
	fi
}

# runs_binary PID BIN: PID is alive and runs the program BIN (when /proc
# does not say, for a caller that may not read it, alive is enough).
runs_binary() {
	pid_alive "$1" || return 1
	local exe
	exe="$(readlink "/proc/$1/exe" 2>/dev/null || true)"
	[[ -z "$exe" || "$exe" == "$2" ]]
}

# ------------------------------------------------------------------------
# STARTTLS and AUTH of the test beds. Every instance gets a self-signed
# certificate and one AUTH user with a random password, both kept in its
# state directory (made once, kept across restarts).

# The AUTH user of every test bed (a user of the served domain).
TEST_USER=smtpspec@example.test

# need_openssl: install openssl when missing (as root with apt-get), or
# exit 2 (cannot run here).
need_openssl() {
	command -v openssl >/dev/null 2>&1 && return 0
	if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
		cannot_run "openssl (for the STARTTLS certificate and the AUTH password) is not installed and installing it needs root and apt-get"
	fi
	install_pkgs openssl
}

# make_cert HOST [GROUP]: a self-signed certificate for HOST (subject CN and
# subjectAltName) in $STATE/tls/cert.pem, its RSA key in $STATE/tls/key.pem
# (mode 0600, or 0640 with group GROUP for a server that reads the key after
# dropping root). Made with `openssl req -x509` when missing.
make_cert() {
	local host="$1" group="${2:-}" dir="$STATE/tls"
	need_openssl
	mkdir -p -m 755 "$dir"
	if ! [[ -s "$dir/key.pem" && -s "$dir/cert.pem" ]] ||
		[[ "$(openssl x509 -noout -subject -in "$dir/cert.pem" 2>/dev/null)" != *"CN = $host" ]]; then
		rm -f "$dir/key.pem" "$dir/cert.pem"
		(umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$host" \
			-addext "subjectAltName=DNS:$host" -keyout "$dir/key.pem" -out "$dir/cert.pem") \
			>"$STATE/openssl.log" 2>&1 || die "openssl req failed (see $STATE/openssl.log)"
		chmod 644 "$dir/cert.pem"
	fi
	if [[ -n "$group" ]]; then
		chown "root:$group" "$dir/key.pem"
		chmod 640 "$dir/key.pem"
	else
		chmod 600 "$dir/key.pem"
	fi
	TLS_CERT="$dir/cert.pem"
	TLS_KEY="$dir/key.pem"
}

# make_password: the password of $TEST_USER in $STATE/password (32 hex
# digits from `openssl rand`, no newline, mode 0600), made when missing;
# sets PASSWORD. Scripts never print it.
make_password() {
	local f="$STATE/password"
	need_openssl
	if ! [[ "$(cat "$f" 2>/dev/null)" =~ ^[0-9a-f]{32}$ ]]; then
		rm -f "$f" "$f.tmp"
		(umask 077 && printf '%s' "$(openssl rand -hex 16)" >"$f.tmp") || die "cannot write $f"
		mv -f "$f.tmp" "$f"
	fi
	chmod 600 "$f"
	PASSWORD="$(cat "$f")"
}
