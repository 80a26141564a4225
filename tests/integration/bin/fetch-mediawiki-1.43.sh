#!/bin/sh
# Unpacks Debian 13's MediaWiki 1.43 (mediawiki + mediawiki-classes) into $1
# without touching the system's apt configuration or /var/lib/mediawiki.
set -eu
dest=$(realpath -m "$1")
[ -f "$dest/usr/share/mediawiki/includes/Defines.php" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$dest"
echo "deb http://deb.debian.org/debian trixie main" > "$work/sources.list"
set -- -o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null \
	-o Dir::State::Lists="$work/lists" -o Dir::Cache::Archives="$work/archives" \
	-o APT::Get::List-Cleanup=0
apt-get "$@" update -q
cd "$work"
apt-get "$@" download mediawiki mediawiki-classes
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
# These links point into the system's /var/lib/mediawiki (the 1.39 install).
for link in LocalSettings.php config extensions images; do
	rm -f "$dest/usr/share/mediawiki/$link"
done
echo "MediaWiki 1.43 unpacked in $dest/usr/share/mediawiki"
