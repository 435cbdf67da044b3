# shellcheck shell=bash disable=SC2154,SC2016 # tmp, top: set by run.sh; bash -c code takes $1...
# Sourced by tests/host/run.sh.  scripts/fetch-kernel.sh keeps one tree
# per pinned ABI: pinning KXFER_KVER_6_1 to another release must not
# delete the tree a user built against.  A fake cache (KXFER_KERNEL_CACHE)
# with the unpinned 6.1.0-57 tree and a pinned 6.1.0-55 one; no apt.

kc=$tmp/kcache
fake_tree() {	# DIR KVER
	mkdir -p "$1/root/boot" "$1/root/usr/src/linux-headers-$2"
	: >"$1/root/boot/vmlinuz-$2"
	: >"$1/root/usr/src/linux-headers-$2/Makefile"
	echo "$2" >"$1/kver"
}
fake_tree "$kc/6.1-amd64" 6.1.0-57-amd64
fake_tree "$kc/6.1-amd64/v/6.1.0-55-amd64" 6.1.0-55-amd64
kdir_with() {	# [VAR=value]: KDIR printed by fetch-kernel.sh 6.1-amd64
	env KXFER_KERNEL_CACHE="$kc" "$@" "$top/scripts/fetch-kernel.sh" 6.1-amd64 2>/dev/null |
		sed -n 's/^KDIR=//p'
}
check "unpinned: the cached tree (6.1.0-57)" \
	test "$(kdir_with)" = "$kc/6.1-amd64/root/usr/src/linux-headers-6.1.0-57-amd64"
check "KXFER_KVER_6_1=6.1.0-55: its own tree under v/, the 6.1.0-57 tree kept" \
	bash -c '[ "$1" = "$2/6.1-amd64/v/6.1.0-55-amd64/root/usr/src/linux-headers-6.1.0-55-amd64" ] &&
		 [ -f "$2/6.1-amd64/root/usr/src/linux-headers-6.1.0-57-amd64/Makefile" ]' _ \
	"$(kdir_with KXFER_KVER_6_1=6.1.0-55)" "$kc"
check "KXFER_KVER_6_1=6.1.0-57 (the unpinned one): that tree, 6.1.0-55 kept" \
	bash -c '[ "$1" = "$2/6.1-amd64/root/usr/src/linux-headers-6.1.0-57-amd64" ] &&
		 [ -f "$2/6.1-amd64/v/6.1.0-55-amd64/kver" ]' _ \
	"$(kdir_with KXFER_KVER_6_1=6.1.0-57)" "$kc"
env KXFER_KERNEL_CACHE="$kc" KXFER_KVER_6_1=6.1.0-0 \
	"$top/scripts/fetch-kernel.sh" 6.1-amd64 >"$tmp/pin0.out" 2>&1
rc=$?
check "a pin apt does not know fails (exit $rc) and leaves both trees" \
	bash -c '[ "$1" != 0 ] && [ -f "$2/6.1-amd64/kver" ] && [ -f "$2/6.1-amd64/v/6.1.0-55-amd64/kver" ]' _ \
	"$rc" "$kc"
