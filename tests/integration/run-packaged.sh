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
}
trap cleanup EXIT

"$root_tool" copy "$base" "$root"
mkdir -p "$root/srv/packages"
cp "$package" "$root/srv/packages/"
in_root() { "$root_tool" run "$root" "$@"; }
release=$(. "$base/etc/os-release"; echo "$PRETTY_NAME")
# As an administrator has it: Debian's MediaWiki on PHP-FPM behind nginx first,
# then the package added with apt (phpenmod enables the module for PHP-FPM too).
echo "Debian's MediaWiki, php$php-fpm and nginx in a fresh $release root"
{ "$root_tool" apt "$root" update && "$root_tool" apt "$root" install \
	mediawiki "php$php-fpm" nginx "php$php-sqlite3" "php$php-apcu" sqlite3; } >"$root.log" 2>&1 \
	|| { tail -n 30 "$root.log" >&2; exit 1; }
echo "Installing $(basename "$package") with apt"
"$root_tool" apt "$root" install "/srv/packages/$(basename "$package")" >>"$root.log" 2>&1 \
	|| { tail -n 30 "$root.log" >&2; exit 1; }
# phpenmod enabled the module for every SAPI.
for sapi in cli fpm; do
	[ -L "$root/etc/php/$php/$sapi/conf.d/20-captchaguard.ini" ] \
		|| { echo "the package did not enable the module for $sapi" >&2; exit 1; }
done
modules=$(in_root php -m)
grep -qx captchaguard <<< "$modules" || { echo "PHP $php does not load the module" >&2; exit 1; }
mediawiki=$(in_root dpkg-query -W -f '${Version}' mediawiki)
echo "MediaWiki $mediawiki, PHP $(in_root php -r 'echo PHP_VERSION;')"

# Page views start the purge of aged CheckUser-level hits every 2 s (test_sensitive).
WIKI_ROOT="$root" WIKI_MODULE=system \
WIKI_EXTRA_SETTINGS='$wgCaptchaGuardSensitivePurgeInterval = 2;' \
	"$wiki" create "$wikis/$name" /usr/share/mediawiki "$port"
"$wiki" start "$wikis/$name"

cd "$here"
export CAPTCHAGUARD_WIKIS="$name=$port" CAPTCHAGUARD_WIKIS_DIR="$wikis"
python3 -m unittest -v test_captcha_actions test_moves
# CheckUser-level filters need MediaWiki 1.43; on Debian 12's 1.39 the suite
# checks that they are not offered.
if [[ "$mediawiki" == *:1.39.* ]]; then
	CAPTCHAGUARD_SENSITIVE_WIKI= CAPTCHAGUARD_SENSITIVE_HCAPTCHA_WIKI= CAPTCHAGUARD_SENSITIVE_OLD_WIKI="$name=$port" \
		/usr/bin/python3 -m unittest -v test_sensitive
else
	CAPTCHAGUARD_SENSITIVE_WIKI="$name=$port" CAPTCHAGUARD_SENSITIVE_HCAPTCHA_WIKI= CAPTCHAGUARD_SENSITIVE_OLD_WIKI= \
		/usr/bin/python3 -m unittest -v test_sensitive
fi
# The emergency switch affects every edit of the wiki: last.
python3 -m unittest -v test_emergency

"$wiki" stop "$wikis/$name"
"$root_tool" apt "$root" purge php-captchaguard >>"$root.log" 2>&1
modules=$(in_root php -m)
if grep -qx captchaguard <<< "$modules" || ls "$root/etc/php/$php"/*/conf.d/*captchaguard* 2>/dev/null; then
	echo "purging the package left the module enabled" >&2; exit 1
fi
echo "Purged: PHP $php no longer loads the module."
