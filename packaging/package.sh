#!/bin/bash
# make package: one .deb per supported Debian release in build/packages/, each
# checked with that release's lintian. The machine's release is packaged from
# target/release (make build); the other from a Debian root of it (debootstrap,
# kept in build/roots/ with its build packages and its cargo target folder).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
root_tool=packaging/debian-root.sh
. /etc/os-release
case "$VERSION_ID" in
	12) other=trixie other_php=8.4 ;;
	13) other=bookworm other_php=8.2 ;;
	*) echo "package.sh: Debian $VERSION_ID is not supported (12 or 13)" >&2; exit 1 ;;
esac
out=$repo/build/packages
rm -rf "$out"; mkdir -p "$out"
lint() { lintian --info --fail-on error,warning "$@"; }

host_deb=$(packaging/deb/build-deb.sh target/release/libcaptchaguard.so "$out")
lint "$host_deb"

"$root_tool" base "$other" "build/roots/$other-base"
build_root=build/roots/$other-build
build_packages="php$other_php-cli php$other_php-dev clang libclang-dev gcc libc6-dev dpkg-dev binutils git lintian"
if [ "$(cat "$build_root/.captchaguard-packages" 2>/dev/null)" != "$build_packages" ]; then
	"$root_tool" copy "build/roots/$other-base" "$build_root"
	{ "$root_tool" apt "$build_root" update && "$root_tool" apt "$build_root" install $build_packages; } \
		>"$build_root.log" 2>&1 || { tail -n 20 "$build_root.log" >&2; exit 1; }
	echo "$build_packages" > "$build_root/.captchaguard-packages"
fi
rustup_home=${RUSTUP_HOME:-$HOME/.rustup} cargo_home=${CARGO_HOME:-$HOME/.cargo}
BIND="$rustup_home:ro $cargo_home $repo:ro $out" \
RUN_ENV="RUSTUP_HOME=$rustup_home CARGO_HOME=$cargo_home CARGO_TARGET_DIR=/srv/target" \
	"$root_tool" run "$build_root" bash -c "set -e; cd '$repo'
		'$cargo_home/bin/cargo' build --release --locked -q
		deb=\$(packaging/deb/build-deb.sh /srv/target/release/libcaptchaguard.so '$out')
		lintian --info --fail-on error,warning \"\$deb\""
ls -1 "$out"/*.deb
