#!/bin/bash
# A throwaway wiki (SQLite) served by PHP-FPM (2 workers) behind nginx.
#   wiki.sh create DIR MWROOT PORT   install the wiki and its users
#   wiki.sh start DIR | stop DIR
# PORT serves load order ConfirmEdit, AbuseFilter, CaptchaGuard; PORT+1 the reverse.
# WIKI_SERVERS=N at create: N application servers (PHP-FPM masters) behind one
# nginx upstream on PORT, and server K alone on PORT+K.
# WIKI_FPM_FROM=OTHERDIR at create: served by OTHERDIR's PHP-FPM pool (one pool
# for several wikis, as farms run them); start OTHERDIR first.
# WIKI_MODULE=PATH at create: another build of the module (the fault tests'), or
# none: without the module and without CaptchaGuard (the benchmark's A/A wikis);
# WIKI_FPM_WORKERS=N: N PHP-FPM workers instead of 2.
# WIKI_MODULE=system: the module PHP's own configuration loads (the installed
# package) and the extension the package installed in MediaWiki's extensions.
# WIKI_ROOT=DIR at create: PHP, PHP-FPM and nginx of the Debian root DIR (made by
# packaging/debian-root.sh), which sees this wiki's folder and tests/ at the same
# paths; MWROOT is a path inside it.
#   wiki.sh module DIR PATH|none   serve the wiki with another build of the module,
#   or without the module and CaptchaGuard, from its next start (the benchmark
#   moves CaptchaGuard from wiki to wiki this way; its tables stay, and a wiki
#   created without it has none until update.php runs).
set -euo pipefail
cmd=$1 dir=$(realpath -m "$2")
repo=$(cd "$(dirname "$0")/../../.." && pwd)
default_module="$repo/target/release/libcaptchaguard.so"
module=$default_module
[ -f "$dir/module" ] && module=$(cat "$dir/module")
root=""
[ -f "$dir/root" ] && root=$(cat "$dir/root")
# A command of the wiki's system: the machine's, or the Debian root's, which
# sees this wiki's folder and the tests at the same paths (in a mount namespace
# of the command's own, see packaging/debian-root.sh).
in_root() {
	if [ -n "$root" ]; then
		BIND="$dir $repo/tests:ro" "$repo/packaging/debian-root.sh" run "$root" "$@"
	else
		"$@"
	fi
}
php_cli() {
	case "$module" in
		none) CAPTCHAGUARD_UNLOADED=1 MW_CONFIG_FILE="$dir/LocalSettings.php" in_root php "$@" ;;
		system) MW_CONFIG_FILE="$dir/LocalSettings.php" in_root php "$@" ;;
		*) MW_CONFIG_FILE="$dir/LocalSettings.php" in_root php -d extension="$module" "$@" ;;
	esac
}
# The PHP CLI a test runs a script with, as the servers run PHP ($dir/php).
write_php_wrapper() {
	local run=php
	[ -n "$root" ] && run="'$repo/packaging/debian-root.sh' run '$root' php"
	case "$module" in
		none|system) ;;
		*) run+=" -d extension='$module'" ;;
	esac
	{
		echo '#!/bin/sh'
		echo "export MW_CONFIG_FILE='$dir/LocalSettings.php'"
		[ -n "$root" ] && echo "export BIND='$dir $repo/tests:ro'"
		[ "$module" = none ] && echo "export CAPTCHAGUARD_UNLOADED=1"
		echo "exec $run \"\$@\""
	} > "$dir/php"
	chmod +x "$dir/php"
}

# The module this wiki is served with from now on: a path, or none.
use_module() {
	case "$1" in none|system) module=$1 ;; *) module=$(realpath "$1") ;; esac
	echo "$module" > "$dir/module"
}

create() {
	local mw=$1 port=$2
	stop
	root=""
	[ -n "${WIKI_ROOT:-}" ] && root=$(realpath "$WIKI_ROOT")
	rm -rf "$dir"; mkdir -p "$dir/db" "$dir/tmp"
	echo "$mw" > "$dir/mwroot"; echo "$port" > "$dir/port"
	[ -n "$root" ] && echo "$root" > "$dir/root"
	# Not what the wiki this one replaces was last served with: a benchmark wiki
	# left without the module would be installed without CaptchaGuard's tables.
	module=$default_module
	[ -z "${WIKI_MODULE:-}" ] || use_module "$WIKI_MODULE"
	# WIKI_DB=mysql:HOST:PORT:DBNAME puts the wiki on MariaDB (user wiki/wikipass);
	# WIKI_EXTRA_SETTINGS is PHP added to LocalSettings.php before the shared test settings.
	local db_args=( --dbtype=sqlite --dbpath="$dir/db" )
	if [[ "${WIKI_DB:-}" == mysql:* ]]; then
		IFS=: read -r _ host dbport dbname <<< "$WIKI_DB"
		db_args=( --dbtype=mysql --dbserver="$host:$dbport" --dbname="$dbname"
			--dbuser=wiki --dbpass=wikipass --installdbuser=wiki --installdbpass=wikipass )
	fi
	in_root php "$mw/maintenance/install.php" "${db_args[@]}" --confpath="$dir" \
		--server="http://127.0.0.1:$port" --scriptpath="" --lang=en \
		--pass='Guard-Admin-2026' "CaptchaGuard Test Wiki" Admin >"$dir/install.log"
	# Its own localisation cache: Debian's default (/var/cache/mediawiki) is shared by
	# every wiki on the machine, and wikis with other extensions would rebuild it.
	mkdir -p "$dir/cache"
	echo "\$wgCacheDirectory = __DIR__ . '/cache';" >> "$dir/LocalSettings.php"
	echo "${WIKI_EXTRA_SETTINGS:-}" >> "$dir/LocalSettings.php"
	[ "$module" = system ] && echo "\$captchaGuardPackaged = true;" >> "$dir/LocalSettings.php"
	write_php_wrapper
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
	php_cli "$mw/maintenance/createAndPromote.php" --sysop --custom-groups=checkuser Checker "$pass" >/dev/null
	# A checkuser without AbuseFilter's own rights.
	php_cli "$mw/maintenance/createAndPromote.php" --custom-groups=checkuser Checkonly "$pass" >/dev/null
	write_server_config "$mw" "$port"
}

write_server_config() {
	local mw=$1 port=$2 socket="$dir/fpm.sock" app_servers=${WIKI_SERVERS:-1}
	# The servers run as the user who owns the checkout: a clone under /root is not
	# readable by www-data, and these wikis are throwaway test and demo wikis. In a
	# Debian root, which has no such user, as root.
	local server_user; server_user=$(stat -c %U "$repo")
	[ -z "$root" ] || server_user=root
	rm -f "$dir/fpm-shared" "$dir"/fpm*.conf
	if [ -n "${WIKI_FPM_FROM:-}" ]; then
		socket="$(realpath -m "$WIKI_FPM_FROM")/fpm.sock"
		echo "$socket" > "$dir/fpm-shared"
	fi
	# One PHP-FPM master per application server, each with its own workers and so
	# its own copy of the module's process memory. Server N is fpm-N (fpm for one).
	local names=( "" ) n
	[ "$app_servers" -gt 1 ] && names=( $(seq -f '-%g' 1 "$app_servers") )
	for n in "${names[@]}"; do
		cat > "$dir/fpm$n.conf" <<CONF
[global]
pid = $dir/fpm$n.pid
error_log = $dir/fpm-error.log
daemonize = yes
[wiki]
user = $server_user
group = $server_user
listen = $dir/fpm$n.sock
listen.owner = $server_user
listen.group = $server_user
pm = static
pm.max_children = ${WIKI_FPM_WORKERS:-2}
pm.max_requests = 0
catch_workers_output = yes
env[CAPTCHAGUARD_SERVER] = server$(n=${n#-}; echo "${n:-1}")
$(case "$module" in none) echo "env[CAPTCHAGUARD_UNLOADED] = 1" ;; system) ;; *) echo "php_admin_value[extension] = $module" ;; esac)
php_admin_value[error_log] = $dir/php-error.log
CONF
	done
	local servers="" upstream=""
	server_block() { # PORT LOAD_ORDER FASTCGI_TARGET
		servers+="
	server {
		listen 127.0.0.1:$1;
		# IPv6 too: filters see the address a request came from (user_ip).
		listen [::1]:$1;
		root $mw;
		index index.php;
		client_max_body_size 8m;
		# Uploaded files (\$wgUploadPath, in the wiki's own folder).
		location /images/ {
			alias $dir/images/;
		}
		location ~ \\.php\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_param MW_CONFIG_FILE $dir/LocalSettings.php;
			fastcgi_param CAPTCHAGUARD_LOAD_ORDER $2;
			fastcgi_param CAPTCHAGUARD_LOG $dir/captchaguard.log;
			fastcgi_pass $3;
		}
	}"
	}
	if [ "$app_servers" -gt 1 ]; then
		# PORT: nginx alternates between the servers; PORT+N: server N alone.
		upstream="
	upstream app_servers {"
		for n in "${names[@]}"; do upstream+="
		server unix:$dir/fpm$n.sock;"; done
		upstream+="
	}"
		server_block "$port" ce-af-cg app_servers
		for n in "${names[@]}"; do server_block $((port + ${n#-})) ce-af-cg "unix:$dir/fpm$n.sock"; done
	else
		# PORT serves load order ConfirmEdit, AbuseFilter, CaptchaGuard; PORT+1 the reverse.
		server_block "$port" ce-af-cg "unix:$socket"
		server_block $((port + 1)) cg-af-ce "unix:$socket"
	fi
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
$upstream
$servers
}
CONF
}

start() {
	stop
	# One log per server lifetime: "logged once per worker" is counted in it.
	rm -f "$dir/captchaguard.log"
	if [ ! -f "$dir/fpm-shared" ]; then
		local fpm; fpm=php-fpm$(in_root php -n -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')
		for conf in "$dir"/fpm*.conf; do in_root "$fpm" --allow-to-run-as-root -y "$conf" -p "$dir"; done
	fi
	in_root nginx -c "$dir/nginx.conf" -p "$dir"
	local port; port=$(cat "$dir/port")
	for _ in $(seq 50); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/api.php?action=query&format=json" && return 0
		sleep 0.2
	done
	echo "wiki in $dir did not come up" >&2; tail -n 5 "$dir"/*error.log >&2 || true; return 1
}

stop() {
	local pid
	for pidfile in "$dir/nginx.pid" "$dir"/fpm*.pid; do
		[ -f "$pidfile" ] || continue
		pid=$(cat "$pidfile")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	done
}

set_module() {
	[ -f "$dir/fpm-shared" ] && { echo "$dir is served by another wiki's pool" >&2; return 1; }
	use_module "$1"
	write_php_wrapper
	write_server_config "$(cat "$dir/mwroot")" "$(cat "$dir/port")"
}

case "$cmd" in
	create) create "$3" "$4" ;;
	module) set_module "$3" ;;
	start) start ;;
	stop) stop ;;
	*) echo "usage: $0 create DIR MWROOT PORT | start DIR | stop DIR | module DIR PATH|none" >&2; exit 2 ;;
esac
