#!/bin/bash
# The Debian package on the other Debian release, as an administrator installs
# it: a fresh copy of that release's root (packaging/debian-root.sh), the .deb
# installed with apt beside Debian's own MediaWiki, PHP-FPM and nginx; a wiki
# (SQLite) served from the root with the installed module and extension; the
# CAPTCHA-action, page-move, emergency-switch and CheckUser-level filter suites
# against it; then the package purged, leaving PHP without the module.
#   run-packaged.sh BASE_ROOT PACKAGE WIKIS_DIR PORT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
base=$(realpath "$1") package=$(realpath "$2") wikis=$(realpath -m "$3") port=$4
root_tool="$repo/packaging/debian-root.sh"
wiki="$here/bin/wiki.sh"
root="${base%-base}-wiki" name=packaged
php=$(. "$base/etc/os-release"; case "$VERSION_ID" in 12) echo 8.2 ;; 13) echo 8.4 ;; esac)

cleanup() {
	"$wiki" stop "$wikis/$name" 2>/dev/null || true
	"$root_tool" umount "$root"
}
trap cleanup EXIT

"$root_tool" copy "$base" "$root"
mkdir -p "$root/srv/packages"
cp "$package" "$root/srv/packages/"
echo "Installing $(basename "$package") with apt in a fresh $(. "$base/etc/os-release"; echo "$PRETTY_NAME") root"
{ "$root_tool" apt "$root" update && "$root_tool" apt "$root" install "/srv/packages/$(basename "$package")" \
	mediawiki "php$php-fpm" nginx "php$php-sqlite3" "php$php-apcu" sqlite3; } >"$root.log" 2>&1 \
	|| { tail -n 30 "$root.log" >&2; exit 1; }
in_root() { "$root_tool" run "$root" "$@"; }
# phpenmod enabled the module for every SAPI.
for sapi in cli fpm; do
	[ -L "$root/etc/php/$php/$sapi/conf.d/20-captchaguard.ini" ] \
		|| { echo "the package did not enable the module for $sapi" >&2; exit 1; }
done
in_root php -m | grep -qx captchaguard || { echo "PHP $php does not load the module" >&2; exit 1; }
in_root sh -c 'echo "MediaWiki $(dpkg-query -W -f "\${Version}" mediawiki), $(php -r "echo PHP_VERSION;")"'

# Page views start the purge of aged CheckUser-level hits every 2 s (test_sensitive).
WIKI_ROOT="$root" WIKI_MODULE=system \
WIKI_EXTRA_SETTINGS='$wgCaptchaGuardSensitivePurgeInterval = 2;' \
	"$wiki" create "$wikis/$name" /usr/share/mediawiki "$port"
"$wiki" start "$wikis/$name"

cd "$here"
export CAPTCHAGUARD_WIKIS="$name=$port" CAPTCHAGUARD_WIKIS_DIR="$wikis"
python3 -m unittest -v test_captcha_actions test_moves
CAPTCHAGUARD_SENSITIVE_WIKI="$name=$port" CAPTCHAGUARD_SENSITIVE_HCAPTCHA_WIKI= CAPTCHAGUARD_SENSITIVE_OLD_WIKI= \
	/usr/bin/python3 -m unittest -v test_sensitive
# The emergency switch affects every edit of the wiki: last.
python3 -m unittest -v test_emergency

"$wiki" stop "$wikis/$name"
"$root_tool" apt "$root" purge php-captchaguard >>"$root.log" 2>&1
if in_root php -m | grep -qx captchaguard || ls "$root/etc/php/$php"/*/conf.d/*captchaguard* 2>/dev/null; then
	echo "purging the package left the module enabled" >&2; exit 1
fi
echo "Purged: PHP $php no longer loads the module."
