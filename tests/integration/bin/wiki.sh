#!/bin/bash
# A throwaway wiki (SQLite) served by PHP-FPM (2 workers) behind nginx.
#   wiki.sh create DIR MWROOT PORT   install the wiki and its users
#   wiki.sh start DIR | stop DIR
# PORT serves load order ConfirmEdit, AbuseFilter, CaptchaGuard; PORT+1 the reverse.
# WIKI_FPM_FROM=OTHERDIR at create: served by OTHERDIR's PHP-FPM pool (one pool
# for several wikis, as farms run them); start OTHERDIR first.
# WIKI_MODULE=PATH at create: another build of the module (the fault tests');
# WIKI_FPM_WORKERS=N: N PHP-FPM workers instead of 2.
set -euo pipefail
cmd=$1 dir=$(realpath -m "$2")
repo=$(cd "$(dirname "$0")/../../.." && pwd)
module="$repo/target/release/libcaptchaguard.so"
[ -f "$dir/module" ] && module=$(cat "$dir/module")
# The servers run as the user who owns the checkout: a clone under /root is not
# readable by www-data, and these wikis are throwaway test and demo wikis.
server_user=$(stat -c %U "$repo")
php_cli() { MW_CONFIG_FILE="$dir/LocalSettings.php" php -d extension="$module" "$@"; }

create() {
	local mw=$1 port=$2
	stop; rm -rf "$dir"; mkdir -p "$dir/db" "$dir/tmp"
	echo "$mw" > "$dir/mwroot"; echo "$port" > "$dir/port"
	if [ -n "${WIKI_MODULE:-}" ]; then module=$(realpath "$WIKI_MODULE"); echo "$module" > "$dir/module"; fi
	# WIKI_DB=mysql:HOST:PORT:DBNAME puts the wiki on MariaDB (user wiki/wikipass);
	# WIKI_EXTRA_SETTINGS is PHP added to LocalSettings.php before the shared test settings.
	local db_args=( --dbtype=sqlite --dbpath="$dir/db" )
	if [[ "${WIKI_DB:-}" == mysql:* ]]; then
		IFS=: read -r _ host dbport dbname <<< "$WIKI_DB"
		db_args=( --dbtype=mysql --dbserver="$host:$dbport" --dbname="$dbname"
			--dbuser=wiki --dbpass=wikipass --installdbuser=wiki --installdbpass=wikipass )
	fi
	php "$mw/maintenance/install.php" "${db_args[@]}" --confpath="$dir" \
		--server="http://127.0.0.1:$port" --scriptpath="" --lang=en \
		--pass='Guard-Admin-2026' "CaptchaGuard Test Wiki" Admin >"$dir/install.log"
	echo "${WIKI_EXTRA_SETTINGS:-}" >> "$dir/LocalSettings.php"
	echo "require '$repo/tests/integration/wiki-settings.php';" >> "$dir/LocalSettings.php"
	php_cli "$mw/maintenance/update.php" --quick >"$dir/update.log"
	local pass='Guard-User-2026'
	php_cli "$mw/maintenance/createAndPromote.php" Alice "$pass" >/dev/null
	php_cli "$mw/maintenance/createAndPromote.php" --custom-groups=captchaskipper Skipper "$pass" >/dev/null
	php_cli "$mw/maintenance/createAndPromote.php" --custom-groups=captchaexempt Exempt "$pass" >/dev/null
	php_cli "$mw/maintenance/createAndPromote.php" --bot Botty "$pass" >/dev/null
	php_cli "$mw/maintenance/createAndPromote.php" --custom-groups=filtereditor Editor "$pass" >/dev/null
	php_cli "$mw/maintenance/createAndPromote.php" --sysop Sysop2 "$pass" >/dev/null
	php_cli "$mw/maintenance/createAndPromote.php" --custom-groups=steward Steward "$pass" >/dev/null
	write_server_config "$mw" "$port"
}

write_server_config() {
	local mw=$1 port=$2 socket="$dir/fpm.sock"
	rm -f "$dir/fpm-shared"
	if [ -n "${WIKI_FPM_FROM:-}" ]; then
		socket="$(realpath -m "$WIKI_FPM_FROM")/fpm.sock"
		echo "$socket" > "$dir/fpm-shared"
	fi
	cat > "$dir/fpm.conf" <<CONF
[global]
pid = $dir/fpm.pid
error_log = $dir/fpm-error.log
daemonize = yes
[wiki]
user = $server_user
group = $server_user
listen = $dir/fpm.sock
listen.owner = $server_user
listen.group = $server_user
pm = static
pm.max_children = ${WIKI_FPM_WORKERS:-2}
catch_workers_output = yes
php_admin_value[extension] = $module
php_admin_value[error_log] = $dir/php-error.log
CONF
	local servers=""
	for order in ce-af-cg cg-af-ce; do
		servers+="
	server {
		listen 127.0.0.1:$port;
		root $mw;
		index index.php;
		client_max_body_size 8m;
		location ~ \\.php\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_param MW_CONFIG_FILE $dir/LocalSettings.php;
			fastcgi_param CAPTCHAGUARD_LOAD_ORDER $order;
			fastcgi_param CAPTCHAGUARD_LOG $dir/captchaguard.log;
			fastcgi_pass unix:$socket;
		}
	}"
		port=$((port + 1))
	done
	cat > "$dir/nginx.conf" <<CONF
user $server_user;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	access_log $dir/nginx-access.log;
	client_body_temp_path $dir/tmp/body;
	fastcgi_temp_path $dir/tmp/fastcgi;
	proxy_temp_path $dir/tmp/proxy;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
$servers
}
CONF
}

start() {
	stop
	# One log per server lifetime: "logged once per worker" is counted in it.
	rm -f "$dir/captchaguard.log"
	[ -f "$dir/fpm-shared" ] || php-fpm8.2 --allow-to-run-as-root -y "$dir/fpm.conf" -p "$dir"
	nginx -c "$dir/nginx.conf" -p "$dir"
	local port; port=$(cat "$dir/port")
	for _ in $(seq 50); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/api.php?action=query&format=json" && return 0
		sleep 0.2
	done
	echo "wiki in $dir did not come up" >&2; tail -n 5 "$dir"/*error.log >&2 || true; return 1
}

stop() {
	local pid
	for pidfile in "$dir/nginx.pid" "$dir/fpm.pid"; do
		[ -f "$pidfile" ] || continue
		pid=$(cat "$pidfile")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	done
}

case "$cmd" in
	create) create "$3" "$4" ;;
	start) start ;;
	stop) stop ;;
	*) echo "usage: $0 create|start|stop DIR [MWROOT PORT]" >&2; exit 2 ;;
esac
