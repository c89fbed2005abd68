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
	[[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
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
