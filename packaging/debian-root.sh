#!/bin/bash
# Debian roots for building and trying CaptchaGuard on another Debian release
# than the machine's (Debian 13 on a Debian 12 machine, or the reverse).
#   debian-root.sh base RELEASE DIR     debootstrap RELEASE into DIR, once (kept as a cache)
#   debian-root.sh copy BASE DIR        DIR becomes a fresh copy of the root BASE
#   debian-root.sh apt DIR ARGS...      apt-get ARGS in DIR (noninteractive, no recommends)
#   debian-root.sh run DIR CMD...       CMD inside DIR; BIND="PATH[:ro] ..." shows host
#                                       folders at the same path inside while CMD runs
#   debian-root.sh mount DIR | umount DIR   /proc and /dev for servers that outlive a command
#   debian-root.sh bind DIR             BIND's folders, for servers that outlive a command
#   debian-root.sh umount-all DIR...    unmount everything under each DIR (before deleting)
# Every mount is undone when run ends, so deleting build/ never reaches a host folder.
set -euo pipefail
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

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

mount_system() {
	local dir=$1
	mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
	mountpoint -q "$dir/dev" || mount --bind /dev "$dir/dev"
	cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
}

bind_paths() {
	local dir=$1 spec path mode
	for spec in ${BIND:-}; do
		path=${spec%%:*}; mode=${spec#"$path"}
		mkdir -p "$dir$path"
		mountpoint -q "$dir$path" || mount --bind "$path" "$dir$path"
		[ "$mode" = ":ro" ] && mount -o remount,bind,ro "$dir$path"
	done
	return 0
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
	dir=$(realpath "$1"); shift
	trap 'umount_all "$dir"' EXIT
	mount_system "$dir"
	chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 \
		--no-install-recommends "$@"
	;;
run)
	dir=$(realpath "$1"); shift
	# Left mounted if a wiki's servers were using the root already.
	mountpoint -q "$dir/proc" || trap 'umount_all "$dir"' EXIT
	mount_system "$dir"
	bind_paths "$dir"
	chroot "$dir" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 ${RUN_ENV:-} "$@"
	;;
mount) mount_system "$(realpath "$1")" ;;
bind) bind_paths "$(realpath "$1")" ;;
umount) umount_all "$1" ;;
umount-all) for dir in "$@"; do umount_all "$dir"; done ;;
*) echo "usage: see the top of $0" >&2; exit 2 ;;
esac
