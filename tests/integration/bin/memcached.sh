#!/bin/bash
# A throwaway memcached (Debian's package) for the multi-server test: sessions
# and the object stash shared by the application servers.
#   memcached.sh start DIR PORT | stop DIR
set -euo pipefail
cmd=$1 dir=$(realpath -m "$2")

stop() {
	[ -f "$dir/memcached.pid" ] || return 0
	local pid; pid=$(cat "$dir/memcached.pid")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	rm -f "$dir/memcached.pid"
}

start() {
	local port=$1
	stop
	mkdir -p "$dir"
	memcached -d -u "$(id -un)" -l 127.0.0.1 -p "$port" -m 64 -P "$dir/memcached.pid"
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "memcached on $port did not come up" >&2; return 1
}

case "$cmd" in
	start) start "$3" ;;
	stop) stop ;;
	*) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
