#!/bin/bash
# Debian roots for building and trying CaptchaGuard on another Debian release
# than the machine's (Debian 13 on a Debian 12 machine, or the reverse).
#   debian-root.sh base RELEASE DIR     debootstrap RELEASE into DIR, once (kept as a cache)
#   debian-root.sh copy BASE DIR        DIR becomes a fresh copy of the root BASE
#   debian-root.sh apt DIR ARGS...      apt-get ARGS in DIR (noninteractive, no recommends)
#   debian-root.sh run DIR CMD...       CMD inside DIR; BIND="PATH[:ro] ..." shows host
#                                       folders at the same path inside; RUN_ENV="K=V ..."
#                                       sets variables (the caller's are kept)
#   debian-root.sh umount-all DIR...    unmount anything left under each DIR
# Every command runs in a mount namespace of its own: /proc, /dev and the BIND
# folders are mounted there only, and go away with the last process in it (a
# server started inside keeps them while it runs). Nothing is mounted on the
# machine itself, so deleting build/ never reaches a host folder, even after a
# run was killed.
set -euo pipefail
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
self=$(realpath "$0")

mounts_under() { # the mount points under $1, deepest first
	local dir; dir=$(realpath -m "$1")
	awk -v d="$dir/" 'index($2 "/", d) == 1 { print $2 }' /proc/self/mounts | sort -r
}

umount_all() {
	local point
	for point in $(mounts_under "$1"); do
		umount "$point" 2>/dev/null || umount -l "$point"
	done
}

cmd=$1; shift
case "$cmd" in
base)
	release=$1 dir=$(realpath -m "$2")
	[ -f "$dir/.captchaguard-base" ] && exit 0
	command -v debootstrap >/dev/null || {
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; }
	umount_all "$dir"; rm -rf "$dir"; mkdir -p "$(dirname "$dir")"
	debootstrap --variant=minbase "$release" "$dir" "$mirror" >"$dir.log" 2>&1 \
		|| { tail -n 20 "$dir.log" >&2; exit 1; }
	touch "$dir/.captchaguard-base"
	;;
copy)
	base=$(realpath "$1") dir=$(realpath -m "$2")
	umount_all "$dir"; rm -rf "$dir"; mkdir -p "$(dirname "$dir")"
	cp -a "$base" "$dir"
	;;
apt)
	dir=$1; shift
	RUN_ENV="DEBIAN_FRONTEND=noninteractive ${RUN_ENV:-}" exec "$self" run "$dir" \
		apt-get -q -y -o Dpkg::Use-Pty=0 --no-install-recommends "$@"
	;;
run)
	dir=$(realpath "$1"); shift
	exec unshare --mount --propagation private -- "$self" inside "$dir" "$@"
	;;
inside) # run's second half, in the new mount namespace
	dir=$1; shift
	mount -t proc proc "$dir/proc"
	mount --bind /dev "$dir/dev"
	cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
	for spec in ${BIND:-}; do
		path=${spec%%:*}; mode=${spec#"$path"}
		mkdir -p "$dir$path"
		mount --bind "$path" "$dir$path"
		if [ "$mode" = ":ro" ]; then mount -o remount,bind,ro "$dir$path"; fi
	done
	# shellcheck disable=SC2086 # RUN_ENV is a list of K=V words
	exec chroot "$dir" env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 ${RUN_ENV:-} "$@"
	;;
umount-all) for dir in "$@"; do umount_all "$dir"; done ;;
*) echo "usage: see the top of $0" >&2; exit 2 ;;
esac
