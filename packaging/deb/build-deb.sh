#!/bin/bash
# Builds the php-captchaguard .deb for the Debian release this runs on (the
# host, or a Debian root entered with packaging/debian-root.sh):
#   build-deb.sh MODULE OUTDIR
# MODULE is the module built against this release's PHP. The package ships it
# in PHP's extension folder, /etc/php/<version>/mods-available/captchaguard.ini
# (enabled for every SAPI with phpenmod on install, as Debian's php-apcu is),
# and the extension's MediaWiki files in /usr/share/mediawiki-extensions/CaptchaGuard,
# linked from Debian MediaWiki's extension folder.
set -euo pipefail
module=$(realpath "$1") out=$(realpath -m "$2")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. /etc/os-release
case "$VERSION_ID" in
	12) php=8.2 ;;
	13) php=8.4 ;;
	*) echo "build-deb.sh: Debian $VERSION_ID is not supported (12 or 13)" >&2; exit 1 ;;
esac
phpapi=$(php-config$php --phpapi)
extdir=$(php-config$php --extension-dir)
arch=$(dpkg --print-architecture)
upstream=$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n1)
version="$upstream-1+deb$VERSION_ID"
package=php-captchaguard
# Reproducible: every date in the package is the last commit's.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -c safe.directory="$repo" -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
install -d "$root$extdir" "$root/etc/php/$php/mods-available" "$root/DEBIAN" \
	"$root/usr/share/doc/$package" "$root/usr/share/mediawiki-extensions" "$root/var/lib/mediawiki/extensions"
install -m 0644 "$module" "$root$extdir/captchaguard.so"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root$extdir/captchaguard.so"
printf '; configuration for the CaptchaGuard module (MediaWiki)\n; priority=20\nextension=captchaguard.so\n' \
	> "$root/etc/php/$php/mods-available/captchaguard.ini"

ext="$root/usr/share/mediawiki-extensions/CaptchaGuard"
mkdir -p "$ext"
(cd "$repo" && git -c safe.directory="$repo" ls-files -z -- extension.json CaptchaGuard.alias.php includes i18n resources sql 'maintenance/*.php' \
	| xargs -0 cp --parents -t "$ext")
# (maintenance/*.php: the scripts an administrator runs, not the developers' generator.)
# wfLoadExtension( 'CaptchaGuard' ) on Debian's MediaWiki, whose $IP/extensions is /var/lib/mediawiki/extensions.
ln -s /usr/share/mediawiki-extensions/CaptchaGuard "$root/var/lib/mediawiki/extensions/CaptchaGuard"

doc="$root/usr/share/doc/$package"
sed "s/@YEAR@/$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)/" "$here/copyright" > "$doc/copyright"
cp "$repo/README.md" "$doc/README.md"
[ -d "$repo/docs" ] && cp -r "$repo/docs" "$doc/docs"
{
	echo "$package ($version) $VERSION_CODENAME; urgency=medium"
	echo
	echo "  * CaptchaGuard $upstream for Debian $VERSION_ID (PHP $php)."
	echo
	echo " -- CaptchaGuard developers <captchaguard@example.org>  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -n -9 > "$doc/changelog.Debian.gz"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod 0644 {} +

for script in postinst postrm; do
	sed "s/@PHP@/$php/g" "$here/$script" > "$root/DEBIAN/$script"
	chmod 0755 "$root/DEBIAN/$script"
done
echo "/etc/php/$php/mods-available/captchaguard.ini" > "$root/DEBIAN/conffiles"

# The shared libraries the module links, as dpkg-shlibdeps reads them.
mkdir -p "$stage/src/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$package" "$package" > "$stage/src/debian/control"
shlibs=$(cd "$stage/src" && dpkg-shlibdeps -O -e"$root$extdir/captchaguard.so" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -k -s --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@PHP@/$php/g" -e "s/@PHPAPI@/$phpapi/" -e "s/@ARCH@/$arch/" \
	-e "s/@SHLIBS@/$shlibs/" -e "s/@SIZE@/$size/" "$here/control" > "$root/DEBIAN/control"
# Every file but the conffiles, which dpkg checks on its own.
(cd "$root" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
	> "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/${package}_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
