#!/bin/bash
# A throwaway MariaDB server (Debian's packages) for the wiki farm test.
#   mariadb.sh start DIR PORT   initialise if needed, start, create user wiki/wikipass
#   mariadb.sh stop DIR
set -euo pipefail
cmd=$1 dir=$(realpath -m "$2")

start() {
	local port=$1
	stop
	if [ ! -d "$dir/data/mysql" ]; then
		mkdir -p "$dir/data"
		mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
			--auth-root-authentication-method=normal >"$dir/install.log" 2>&1
	fi
	mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" \
		--pid-file="$dir/mysqld.pid" --port="$port" --bind-address=127.0.0.1 \
		--user="$(id -un)" --log-error="$dir/error.log" --skip-log-bin &
	for _ in $(seq 100); do
		mariadb --no-defaults -S "$dir/mysqld.sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.2
	done
	mariadb --no-defaults -S "$dir/mysqld.sock" -u root -e "
		CREATE USER IF NOT EXISTS 'wiki'@'%' IDENTIFIED BY 'wikipass';
		CREATE USER IF NOT EXISTS 'wiki'@'localhost' IDENTIFIED BY 'wikipass';
		GRANT ALL PRIVILEGES ON *.* TO 'wiki'@'%' WITH GRANT OPTION;
		GRANT ALL PRIVILEGES ON *.* TO 'wiki'@'localhost' WITH GRANT OPTION;"
}

stop() {
	[ -f "$dir/mysqld.pid" ] || return 0
	local pid; pid=$(cat "$dir/mysqld.pid")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	rm -f "$dir/mysqld.pid"
}

case "$cmd" in
	start) start "$3" ;;
	stop) stop ;;
	*) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
