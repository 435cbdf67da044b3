#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cross-build-check.sh [--flavour F] [--no-guest] [--keep]
#
# Proves the board workflow the way a user runs it, in a scratch copy of
# the tree (so it never clashes with other builds):
#
#   make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=<Debian arm64 headers>
#   make ... dist
#
# must give an aarch64 kxfer.ko for that kernel, static aarch64 binaries
# and a tarball with exactly the expected members; dist.sh must refuse
# mismatched parts; `make ARCH=arm64 [CROSS_COMPILE=...] LLVM=1 dist`
# against a clang-configured tree (Debian's linux-source-6.1, Debian's
# clang, prepared once in .cache/llvm-kdir) must give a clang-built module
# and clang-built static aarch64 kxfer-bench with LLVM=1 in BUILD-INFO, and
# the compiler/tree mix-ups must stop with exit 2; run-on-board.sh must parse and refuse this host under
# dash, bash and busybox sh; and (unless --no-guest) the unpacked tarball
# must run in the arm64 QEMU guest with busybox only: full run, non-root
# refusal, already-loaded handling, --reload, unloading on SIGTERM,
# --progress for a kxfer-bench that has it, and the LLVM=1 tarball's
# rebuild hint.
# Prints TAP version 13 (plan at the end).
#
#   --flavour F   arm64 flavour of scripts/fetch-kernel.sh (default 6.1-arm64)
#   --no-guest    skip the QEMU part (reported as SKIP)
#   --keep        keep the scratch directory and print its path
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd -P)
flavour=6.1-arm64
guest=1
keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--flavour)	[ $# -ge 2 ] || { echo "--flavour needs a value" >&2; exit 2; }
			flavour=$2; shift ;;
	--no-guest)	guest=0 ;;
	--keep)		keep=1 ;;
	-h|--help)	sed -n '4,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*)		echo "cross-build-check: unknown argument '$1' (see --help)" >&2
			exit 2 ;;
	esac
	shift
done
case $flavour in
*arm64*) ;;
*) echo "cross-build-check: '$flavour' is not an arm64 flavour" >&2; exit 2 ;;
esac

CROSS=aarch64-linux-gnu-
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
check() {	# check "description" command...
	local d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
finish() {
	plan "$n"
	[ "$failed" -eq 0 ]
	exit
}

echo "TAP version 13"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-cross.XXXXXX")
if [ "$keep" = 1 ]; then
	trap 'echo "# kept $tmp"' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

# ---- toolchain and headers --------------------------------------------

if ! command -v "${CROSS}gcc" >/dev/null; then
	not_ok "cross compiler ${CROSS}gcc installed (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)"
	finish
fi
ok "cross compiler ${CROSS}gcc installed"

if ! kenv=$("$top/scripts/fetch-kernel.sh" "$flavour" 2>"$tmp/fetch.log"); then
	not_ok "$flavour headers from scripts/fetch-kernel.sh"
	diag <"$tmp/fetch.log"
	finish
fi
KVER=$(sed -n 's/^KVER=//p' <<<"$kenv")
KDIR=$(sed -n 's/^KDIR=//p' <<<"$kenv")
ok "$flavour headers from scripts/fetch-kernel.sh ($KVER)"

# ---- build in a scratch copy ------------------------------------------

src=$tmp/src
mkdir -p "$src"
tar -C "$top" --exclude=./.git --exclude=./.cache --exclude=./dist \
	--exclude=./results --exclude='*.o' --exclude='*.ko' \
	--exclude='.*.cmd' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='./bench/.obj-*' -cf - . | tar -C "$src" -xf -
rm -f "$src/bench/kxfer-bench"
check "scratch copy has no prebuilt kxfer.ko or kxfer-bench" \
	test ! -e "$src/driver/kxfer.ko" -a ! -e "$src/bench/kxfer-bench"

make_vars=(ARCH=arm64 "CROSS_COMPILE=$CROSS" "KDIR=$KDIR")
if make -C "$src" -j2 "${make_vars[@]}" >"$tmp/build.log" 2>&1; then
	ok "make ${make_vars[*]}"
else
	not_ok "make ${make_vars[*]}"
	tail -n 40 "$tmp/build.log" | diag
fi

ko=$src/driver/kxfer.ko
elf_field() { LC_ALL=C readelf -h "$2" 2>/dev/null | sed -n "s/^ *$1: *//p"; }
check "kxfer.ko is an ELF64 relocatable for AArch64" \
	test "$(elf_field Class "$ko")/$(elf_field Machine "$ko")/$(elf_field Type "$ko" | cut -d' ' -f1)" = ELF64/AArch64/REL
magic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
if [ "${magic%% *}" = "$KVER" ]; then
	ok "kxfer.ko vermagic is for $KVER"
else
	not_ok "kxfer.ko vermagic is for $KVER"
	echo "# vermagic: '$magic'"
fi

bin=$src/bench/kxfer-bench
check "bench/kxfer-bench is an AArch64 executable" \
	test "$(elf_field Machine "$bin")" = AArch64
# Static: no program interpreter and no shared library dependencies.
is_static() {
	[ -f "$1" ] &&
	! LC_ALL=C readelf -l "$1" | grep -q 'Requesting program interpreter' &&
	! LC_ALL=C readelf -d "$1" | grep -q '(NEEDED)'
}
check "bench/kxfer-bench is statically linked" is_static "$bin"

# ---- make dist ----------------------------------------------------------

# Until the top-level Makefile includes scripts/board.mk, `make dist` has no
# recipe; report that and use the snippet directly for the rest.
dist_make=(make -C "$src")
if grep -q '^include .*scripts/board\.mk' "$src/Makefile"; then
	ok "top-level Makefile includes scripts/board.mk"
else
	not_ok "top-level Makefile includes scripts/board.mk (add: include \$(TOP)/scripts/board.mk)"
	dist_make=(make -C "$src" -f Makefile -f scripts/board.mk)
fi

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
name=kxfer-$version-arm64-$KVER
tarball=$src/dist/$name.tar.gz
if "${dist_make[@]}" -j2 "${make_vars[@]}" dist >"$tmp/dist.log" 2>&1 &&
   [ -f "$tarball" ]; then
	ok "make dist writes dist/$name.tar.gz"
else
	not_ok "make dist writes dist/$name.tar.gz"
	tail -n 20 "$tmp/dist.log" | diag
	ls "$src/dist" 2>/dev/null | diag
fi

expected="$name/BUILD-INFO.txt
$name/README.md
$name/SHA256SUMS
$name/docs/benchmark-methods.md
$name/include/uapi/linux/kxfer.h
$name/kxfer-bench
$name/kxfer.ko
$name/run-on-board.sh"
members=$(tar -tzf "$tarball" 2>/dev/null | grep -v '/$' | sort)
if [ "$members" = "$expected" ]; then
	ok "tarball holds exactly module, binary, runner, README, BUILD-INFO, SHA256SUMS, uapi header, benchmark-methods.md"
else
	not_ok "tarball holds exactly module, binary, runner, README, BUILD-INFO, SHA256SUMS, uapi header, benchmark-methods.md"
	diff <(echo "$expected") <(echo "$members") | diag
fi

unpack=$tmp/unpack
mkdir -p "$unpack"
tar -C "$unpack" -xzf "$tarball" 2>/dev/null
pkg=$unpack/$name
check "tarball's kxfer.ko and kxfer-bench are the ones just built" \
	bash -c 'cmp -s "$1" "$2" && cmp -s "$3" "$4"' _ \
	"$pkg/kxfer.ko" "$ko" "$pkg/kxfer-bench" "$bin"
check "run-on-board.sh and kxfer-bench are executable in the tarball" \
	test -x "$pkg/run-on-board.sh" -a -x "$pkg/kxfer-bench"
check "SHA256SUMS in the tarball verifies" \
	bash -c "cd '$pkg' && sha256sum --quiet -c SHA256SUMS"
check "BUILD-INFO.txt names kernel $KVER and aarch64" \
	bash -c "grep -qx 'kernel_release: $KVER' '$pkg/BUILD-INFO.txt' &&
		 grep -qx 'uname_m: aarch64' '$pkg/BUILD-INFO.txt'"

# ---- dist.sh refuses parts that do not belong together -------------------

# dist_refuses "description" "expected message" dist.sh-arguments...
dist_refuses() {
	local d=$1 msg=$2 out rc
	shift 2
	out=$("$src/scripts/dist.sh" "$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -q "$msg" <<<"$out"; then
		ok "$d"
	else
		not_ok "$d"
		echo "$out" | diag
	fi
}

other=$("$top/scripts/fetch-kernel.sh" 6.1-amd64 2>/dev/null | sed -n 's/^KDIR=//p')
if [ -n "$other" ]; then
	dist_refuses "dist.sh refuses a KDIR the module was not built against" \
		"was built for $KVER" --kdir "$other" --out "$tmp/neg"
else
	not_ok "dist.sh refuses a KDIR the module was not built against (no 6.1-amd64 headers)"
fi

if make -C "$src/bench" OUT="$tmp/native" CROSS_COMPILE= \
	>"$tmp/native.log" 2>&1; then
	dist_refuses "dist.sh refuses a host-architecture kxfer-bench next to an arm64 module" \
		"module is for 'AArch64'" --kdir "$KDIR" --out "$tmp/neg" \
		--bins "$tmp/native/kxfer-bench"
else
	not_ok "native bench build for the negative dist test"
	tail -n 20 "$tmp/native.log" | diag
fi

printf 'int main(void) { return 0; }\n' >"$tmp/dyn.c"
if "${CROSS}gcc" -o "$tmp/dynamic" "$tmp/dyn.c" 2>"$tmp/dyn.log"; then
	dist_refuses "dist.sh refuses a dynamically linked binary" \
		"dynamically linked" --kdir "$KDIR" --out "$tmp/neg" \
		--bins "$tmp/dynamic"
else
	not_ok "build a dynamic aarch64 binary for the negative dist test"
	diag <"$tmp/dyn.log"
fi
# A kernel tree after `make modules_prepare` only: no Module.symvers.  With
# CONFIG_MODVERSIONS the board would refuse the module, so dist must too.
fake=$tmp/fake-kdir
mkdir -p "$fake/include/generated" "$fake/include/config"
printf '#define UTS_RELEASE "%s"\n' "$KVER" >"$fake/include/generated/utsrelease.h"
echo CONFIG_MODVERSIONS=y >"$fake/include/config/auto.conf"
dist_refuses "dist.sh refuses a CONFIG_MODVERSIONS tree without Module.symvers" \
	"no Module.symvers" --kdir "$fake" --out "$tmp/neg"

check "dist.sh wrote nothing when it refused" test ! -e "$tmp/neg" -o -z "$(ls -A "$tmp/neg" 2>/dev/null)"

# ---- LLVM=1: kernels built with clang ----------------------------------

# A clang-built arm64 kernel tree like a vendor's: Debian's linux-source-6.1
# configured (defconfig) and prepared with Debian's clang, once, in
# .cache/llvm-kdir.  Debian's own arm64 headers were made with gcc-12, so
# they stand for the other case: LLVM=1 against them must be refused.
prepare_llvm_kdir() {	# -> prints the tree's path
	local d=$top/.cache/llvm-kdir/6.1-arm64 srctar=/usr/src/linux-source-6.1.tar.xz
	if [ ! -f "$d/.kxfer-prepared" ]; then
		[ -f "$srctar" ] || { echo "no $srctar (apt-get install linux-source-6.1)"; return 1; }
		rm -rf "$d" && mkdir -p "$d" || return 1
		tar -C "$d" --strip-components=1 -xJf "$srctar" &&
		make -C "$d" ARCH=arm64 LLVM=1 defconfig &&
		make -C "$d" ARCH=arm64 LLVM=1 -j2 modules_prepare &&
		touch "$d/.kxfer-prepared" || return 1
	fi >"$tmp/llvm-kdir.log" 2>&1
	echo "$d"
}

if ! command -v clang >/dev/null || ! command -v ld.lld >/dev/null; then
	not_ok "clang and ld.lld installed (apt-get install clang lld; scripts/install-deps.sh does)"
elif ! lkdir=$(prepare_llvm_kdir); then
	not_ok "clang-configured arm64 kernel tree from linux-source-6.1 (LLVM=1 defconfig modules_prepare)"
	tail -n 20 "$tmp/llvm-kdir.log" | diag
else
	check "clang-configured arm64 kernel tree from linux-source-6.1 (CONFIG_CC_IS_CLANG=y)" \
		grep -qx 'CONFIG_CC_IS_CLANG=y' "$lkdir/.config"
	lkver=$("$top/scripts/kernel-release.sh" "$lkdir")
	i=0
	for vars in "ARCH=arm64 LLVM=1" "ARCH=arm64 CROSS_COMPILE=$CROSS LLVM=1"; do
		i=$((i + 1))
		ls=$tmp/src-llvm$i
		mkdir -p "$ls"
		tar -C "$src" --exclude=./dist --exclude='*.o' --exclude='*.ko' \
			--exclude='.*.cmd' --exclude='./bench/.obj-*' \
			--exclude=./bench/kxfer-bench --exclude=./bench/kxfer-mmapdump \
			-cf - . | tar -C "$ls" -xf -
		lname=kxfer-$version-arm64-$lkver
		# shellcheck disable=SC2086 # $vars: several make variables
		if make -C "$ls" -j2 $vars "KDIR=$lkdir" dist >"$tmp/llvm$i.log" 2>&1 &&
		   [ -f "$ls/dist/$lname.tar.gz" ]; then
			ok "make $vars KDIR=<clang tree> dist writes dist/$lname.tar.gz"
		else
			not_ok "make $vars KDIR=<clang tree> dist writes dist/$lname.tar.gz"
			tail -n 20 "$tmp/llvm$i.log" | diag
			continue
		fi
		lu=$tmp/llvm-unpack$i
		mkdir -p "$lu"
		tar -C "$lu" -xzf "$ls/dist/$lname.tar.gz"
		lp=$lu/$lname
		check "[$vars] tarball's kxfer.ko is AArch64, built by clang" \
			bash -c '[ "$(LC_ALL=C readelf -h "$1" | sed -n "s/^ *Machine: *//p")" = AArch64 ] &&
				 LC_ALL=C readelf -p .comment "$1" | grep -q "clang version"' _ "$lp/kxfer.ko"
		check "[$vars] tarball's kxfer-bench: file(1) says ARM aarch64, statically linked; built by clang" \
			bash -c 'file -b "$1" | grep -q "ARM aarch64.*statically linked" &&
				 LC_ALL=C readelf -p .comment "$1" | grep -q "clang version"' _ "$lp/kxfer-bench"
		check "[$vars] BUILD-INFO.txt: make_vars: $vars, compiler clang, uname_m aarch64" \
			bash -c 'grep -qx "make_vars: $2" "$1" && grep -q "^compiler: .*clang" "$1" &&
				 grep -qx "uname_m: aarch64" "$1"' _ "$lp/BUILD-INFO.txt" "$vars"
		[ "$i" = 1 ] && llvm_tarball=$ls/dist/$lname.tar.gz
	done

	# The commonest mix-ups end in exit 2 and what to set, before kbuild.
	out=$(make -C "$tmp/src-llvm1" ARCH=arm64 LLVM=1 "KDIR=$KDIR" module 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && grep -q "configured with gcc (CONFIG_CC_IS_GCC=y)" <<<"$out" &&
	   grep -q "Drop LLVM=1 and set CROSS_COMPILE=$CROSS" <<<"$out"; then
		ok "LLVM=1 against Debian's gcc-built arm64 headers: exit 2, says to drop LLVM=1 and set CROSS_COMPILE"
	else
		not_ok "LLVM=1 against Debian's gcc-built arm64 headers: exit 2, says to drop LLVM=1 and set CROSS_COMPILE (exit $rc)"
		echo "$out" | tail -n 10 | diag
	fi
	out=$(make -C "$tmp/src-llvm1" ARCH=arm64 "CROSS_COMPILE=$CROSS" "KDIR=$lkdir" module 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && grep -q "configured with clang" <<<"$out" && grep -q "Set LLVM=1" <<<"$out"; then
		ok "gcc against the clang-built tree: exit 2, says to set LLVM=1"
	else
		not_ok "gcc against the clang-built tree: exit 2, says to set LLVM=1 (exit $rc)"
		echo "$out" | tail -n 10 | diag
	fi
fi

# ---- run-on-board.sh under the host's shells -----------------------------

for sh in dash bash "busybox sh"; do
	if ! command -v "${sh%% *}" >/dev/null; then
		skip "run-on-board.sh under $sh" "$sh not installed"
		continue
	fi
	check "$sh: run-on-board.sh parses (sh -n)" $sh -n "$pkg/run-on-board.sh"

	if [ "$(uname -r)" = "$KVER" ]; then
		skip "$sh: --check-only refuses a module for another kernel" \
			"this host runs $KVER itself"
	else
		out=$(cd "$pkg" && $sh ./run-on-board.sh --check-only 2>&1)
		rc=$?
		if [ $rc -eq 1 ] &&
		   grep -q "built for kernel $KVER, but this board runs $(uname -r)" <<<"$out" &&
		   grep -q "make ARCH=[^ ]* CROSS_COMPILE=[^ ]* KDIR=/path/to/kernel-$(uname -r) dist" <<<"$out"; then
			ok "$sh: --check-only refuses a module for another kernel and says how to rebuild"
		else
			not_ok "$sh: --check-only refuses a module for another kernel and says how to rebuild"
			echo "exit $rc" | diag
			echo "$out" | diag
		fi
	fi

	out=$(cd "$pkg" && $sh ./run-on-board.sh --dry-run --buf-size 8M --nr-devs 2 2>&1)
	if grep -q "would run: insmod $pkg/kxfer.ko buf_size=8388608 nr_devs=2" <<<"$out" &&
	   grep -q "would run: rmmod kxfer" <<<"$out"; then
		ok "$sh: --dry-run prints the insmod with byte-sized parameters and the rmmod"
	else
		not_ok "$sh: --dry-run prints the insmod with byte-sized parameters and the rmmod"
		echo "$out" | diag
	fi

	out=$(cd "$pkg" && $sh ./run-on-board.sh --buf-size 12X 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && grep -q "'12X' is not a size" <<<"$out"; then
		ok "$sh: a bad --buf-size is refused with a message"
	else
		not_ok "$sh: a bad --buf-size is refused with a message"
		echo "$out" | diag
	fi
done

# ---- on the emulated board ------------------------------------------------

# The payload only records what happened; the verdicts are made here.
write_payload() {
	cat >"$1/run.sh" <<'EOF'
# In the guest (busybox sh): unpack the tarball the way a user does and run
# the board runner in several situations.  Each step leaves NAME.rc and
# NAME.out in /out/steps.
cd /tmp && tar xzf /payload/kxfer-*.tar.gz && cd kxfer-*/ || exit 1
mkdir -p /out/steps
SHORT="--sizes 4K,64K --min-time 0.01 --min-samples 3"
step() {	# step NAME command...
	name=$1; shift
	"$@" >/out/steps/$name.out 2>&1
	echo $? >/out/steps/$name.rc
}
loaded() { [ -d /sys/module/kxfer ] && echo yes || echo no; }

step check sh ./run-on-board.sh --check-only
./kxfer-bench --help 2>&1 | grep -c -- '--progress' >/out/steps/hasprogress

grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null ||
	echo 'nogroup:x:65534:' >>/etc/group
step nonroot su -s /bin/sh nobody -c "sh ./run-on-board.sh"
loaded >/out/steps/nonroot.loaded

step full sh ./run-on-board.sh --out /out/results --name full -- $SHORT
loaded >/out/steps/full.loaded
step default sh ./run-on-board.sh --no-stream --out /out/default -- $SHORT

# The bench's own JSON, to compare with the runner's CSV->JSON conversion.
insmod ./kxfer.ko buf_size=1048576 &&
	./kxfer-bench --format json --output /out/native.json $SHORT \
		>/out/steps/native.out 2>&1
echo $? >/out/steps/native.rc
# Left loaded on purpose: the runner must refuse, and not unload it.
step busy sh ./run-on-board.sh --out /out/results --name busy -- $SHORT
loaded >/out/steps/busy.loaded
step reload sh ./run-on-board.sh --reload --no-stream --out /out/results --name reload -- $SHORT
loaded >/out/steps/reload.loaded

step keep sh ./run-on-board.sh --keep-loaded --no-stream --out /out/results --name keep -- $SHORT
loaded >/out/steps/keep.loaded
rmmod kxfer

# More than the guest's memory: insmod fails, the runner explains.
step nomem sh ./run-on-board.sh --buf-size 1G --nr-devs 2 --out /out/results --name nomem
loaded >/out/steps/nomem.loaded

# SIGTERM in the middle of a long sweep: bench stopped, module unloaded.
sh ./run-on-board.sh --out /out/results --name term -- --sizes 4K:64M \
	--min-time 2 >/out/steps/term.out 2>&1 &
pid=$!
i=0
while [ ! -f /out/results/term/.bench-pid ] && [ $i -lt 100 ]; do
	sleep 0.2; i=$((i + 1))
done
sleep 1
kill -TERM $pid
wait $pid
echo $? >/out/steps/term.rc
loaded >/out/steps/term.loaded
pidof kxfer-bench >/out/steps/term.pidof || true

# Ctrl-C: SIGINT to the whole foreground process group (runner, bench,
# tee), which is what the terminal sends.  The runner gets its own group.
( while [ ! -f /out/results/int/.bench-pid ]; do sleep 0.2; done
  sleep 1; kill -INT -"$(cat /tmp/int.pgid)" ) &
killer=$!
setsid sh -c 'echo $$ >/tmp/int.pgid; exec sh ./run-on-board.sh --out /out/results --name int -- --sizes 4K:64M --min-time 2' \
	>/out/steps/int.out 2>&1
echo $? >/out/steps/int.rc
kill $killer 2>/dev/null
loaded >/out/steps/int.loaded
pidof kxfer-bench >/out/steps/int.pidof || true

# The LLVM=1 tarball (built for another kernel): its rebuild hint must
# carry LLVM=1.
if [ -d /payload/llvm ]; then
	mkdir -p /tmp/llvm && cd /tmp/llvm && tar xzf /payload/llvm/kxfer-*.tar.gz &&
		cd kxfer-*/ && step llvmcheck sh ./run-on-board.sh --check-only
fi
exit 0
EOF
}

if [ "$guest" = 0 ]; then
	skip "board run in the QEMU $flavour guest" "--no-guest"
	finish
fi
if [ ! -x "$top/scripts/guest/run.sh" ]; then
	not_ok "board run in the QEMU $flavour guest (scripts/guest/run.sh missing)"
	finish
fi

payload=$tmp/payload
gout=$tmp/guest-out
mkdir -p "$payload"
cp "$tarball" "$payload/"
if [ -n "${llvm_tarball:-}" ]; then
	mkdir -p "$payload/llvm"
	cp "$llvm_tarball" "$payload/llvm/"
fi
write_payload "$payload"
"$top/scripts/guest/run.sh" --flavour "$flavour" --payload "$payload" \
	--out "$gout" --timeout 900 >"$tmp/guest.log" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
	ok "guest ($flavour, busybox only) ran the payload; dmesg clean"
else
	not_ok "guest ($flavour, busybox only) ran the payload; dmesg clean (exit $rc)"
	tail -n 30 "$tmp/guest.log" | diag
fi

st=$gout/steps
if [ ! -d "$st" ]; then
	not_ok "guest: the payload recorded its steps (the guest did not run it)"
	finish
fi
rc_of() { cat "$st/$1.rc" 2>/dev/null || echo missing; }
has() { grep -q -- "$2" "$st/$1.out" 2>/dev/null; }
show() {
	echo "# $1: exit $(rc_of "$1")"
	[ ! -f "$st/$1.out" ] || diag <"$st/$1.out"
}
verdict() {	# verdict STEP "description" condition...
	local s=$1 d=$2; shift 2
	if "$@"; then ok "$d"; else not_ok "$d"; show "$s"; fi
}
loaded_after() { [ "$(cat "$st/$1.loaded" 2>/dev/null)" = "$2" ]; }

verdict check "guest: --check-only passes on the matching kernel" \
	eval '[ "$(rc_of check)" = 0 ] && has check "check: OK"'
verdict nonroot "guest: a non-root user is refused politely, nothing loaded" \
	eval '[ "$(rc_of nonroot)" = 1 ] && has nonroot "needs root" && loaded_after nonroot no'
verdict full "guest: full run exits 0 and unloads the module" \
	eval '[ "$(rc_of full)" = 0 ] && loaded_after full no'
verdict full "guest: the run prints the results folder and the scp + make plot commands" \
	eval 'has full "Results: /out/results/full" && has full "scp -r " &&
	      has full "make plot RESULTS=results/full"'

if [ "$(cat "$st/hasprogress" 2>/dev/null || echo 0)" -gt 0 ]; then
	verdict full "guest: the runner passes --progress to kxfer-bench, its progress lines reach the screen and bench.log" \
		eval 'has full "running: .*kxfer-bench .*--progress" &&
		      { ! has full "^progress: " ||
		        grep -q "^progress: " "$gout/results/full/bench.log"; }'
else
	skip "guest: the runner passes --progress to kxfer-bench" "this kxfer-bench has no --progress option"
fi

res=$gout/results/full
# shellcheck disable=SC2034 # used in the eval strings below
header=method,path,direction,size_bytes,threads,consume,work,iterations,min_ns,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,mean_ns,stddev_ns,mad_ns,bytes_per_s_p50,backing,mapping,page_map,pmd_bytes,cache,repeats,samples,dropped,p50_ci_low_ns,p50_ci_high_ns,cv,noisy,cpu_ns_per_byte,cycles,instructions,page_faults,dtlb_misses,llc_misses,pair,ratio,ratio_ci_low,ratio_ci_high,verdict
csv_rows=$(grep -v '^#' "$res/bench.csv" 2>/dev/null | tail -n +2 | grep -c . || true)
verdict full "guest: bench.csv has the contract header and data rows" \
	eval '[ "$(grep -v "^#" "$res/bench.csv" | head -n 1)" = "$header" ] &&
	      [ "$csv_rows" -gt 0 ]'
verdict full "guest: meta.txt names the kernel and says complete" \
	eval 'grep -qx "kernel: $KVER" "$res/meta.txt" &&
	      grep -qx "status: complete" "$res/meta.txt"'
check "guest: results folder has bench.csv bench.json meta.txt dmesg.txt" \
	test -s "$res/bench.csv" -a -s "$res/bench.json" -a -s "$res/meta.txt" -a -f "$res/dmesg.txt"
check "guest: the full run has the streaming sweep (stream.csv, stream.json); --no-stream runs have none" \
	test -s "$res/stream.csv" -a -s "$res/stream.json" -a ! -e "$gout/results/reload/stream.csv"

# bench.json: valid JSON, one result per CSV row, and the same keys and
# value types as kxfer-bench's own JSON writer.
if command -v python3 >/dev/null; then
	if out=$(python3 - "$res/bench.json" "$gout/native.json" "$csv_rows" 2>&1 <<'EOF'
import json, sys
conv = json.load(open(sys.argv[1]))
native = json.load(open(sys.argv[2]))
rows = int(sys.argv[3])
assert len(conv["results"]) == rows, "%d results, CSV has %d rows" % (len(conv["results"]), rows)
def kinds(d):
    return {k: ("num" if isinstance(v, (int, float)) and not isinstance(v, bool)
                else type(v).__name__) for k, v in d.items()}
cm, nm = kinds(conv["meta"]), kinds(native["meta"])
diff = {k: (cm.get(k), nm.get(k)) for k in set(cm) | set(nm)
        if k not in ("command", "label") and cm.get(k) != nm.get(k)}
assert not diff, "meta keys/types differ (converted, native): %r" % diff
ck, nk = kinds(conv["results"][0]), kinds(native["results"][0])
assert ck == nk, "result keys/types differ: %r vs %r" % (ck, nk)
EOF
	); then
		ok "guest: bench.json matches bench.csv and kxfer-bench's own JSON layout"
	else
		not_ok "guest: bench.json matches bench.csv and kxfer-bench's own JSON layout"
		echo "$out" | diag
		show native
	fi
else
	skip "guest: bench.json layout" "python3 not installed"
fi

# Default folder name: as `make bench` names its folders (report.py
# folder-name: machine, -emulated when the bench saw an emulator, kernel),
# with the runner's own UTC start time.
dflt=$(ls "$gout/default" 2>/dev/null | head -n 1)
want=$(python3 "$top/scripts/report.py" folder-name "$gout/default/$dflt/bench.csv" 2>&1)
verdict default "guest: default folder name ($dflt) matches report.py folder-name ($want) up to the time" \
	eval '[ -n "$dflt" ] && [ "${dflt%-*}" = "${want%-*}" ] &&
	      [[ "${dflt##*-}" =~ ^[0-9]{8}T[0-9]{6}Z$ ]] &&
	      has default "make plot RESULTS=results/$dflt"'

verdict busy "guest: an already loaded kxfer is reported, with --reload offered, and left loaded" \
	eval '[ "$(rc_of busy)" = 1 ] && has busy "already loaded" &&
	      has busy "--reload" && loaded_after busy yes'
verdict reload "guest: --reload replaces the loaded module, runs, and unloads" \
	eval '[ "$(rc_of reload)" = 0 ] && has reload "unloading it (--reload)" &&
	      loaded_after reload no && [ -s "$gout/results/reload/bench.csv" ]'
verdict keep "guest: --keep-loaded leaves the module loaded after the run" \
	eval '[ "$(rc_of keep)" = 0 ] && loaded_after keep yes && has keep "left loaded"'
verdict nomem "guest: a failing insmod is reported with the kernel's messages and a hint" \
	eval '[ "$(rc_of nomem)" = 1 ] && has nomem "insmod failed" &&
	      has nomem "kernel messages since the insmod" && has nomem "cannot create kxfer" &&
	      has nomem "smaller --buf-size" && ! has nomem "Freeing unused kernel" &&
	      loaded_after nomem no && [ ! -e "$gout/results/nomem" ]'
verdict term "guest: SIGTERM during the sweep stops the bench and unloads the module" \
	eval '[ "$(rc_of term)" = 143 ] && loaded_after term no &&
	      [ ! -s "$st/term.pidof" ] && has term "kxfer unloaded"'
verdict term "guest: an interrupted run is marked in meta.txt" \
	grep -qx "status: interrupted" "$gout/results/term/meta.txt"
verdict int "guest: Ctrl-C (SIGINT to the process group) stops the bench and unloads the module" \
	eval '[ "$(rc_of int)" = 130 ] && loaded_after int no &&
	      [ ! -s "$st/int.pidof" ] && has int "kxfer unloaded" &&
	      grep -qx "status: interrupted" "$gout/results/int/meta.txt"'

if [ -n "${llvm_tarball:-}" ]; then
	verdict llvmcheck "guest: the LLVM=1 tarball's rebuild hint carries LLVM=1" \
		eval '[ "$(rc_of llvmcheck)" = 1 ] &&
		      has llvmcheck "make ARCH=arm64 LLVM=1 KDIR=/path/to/kernel-$KVER dist"'
else
	not_ok "guest: the LLVM=1 tarball's rebuild hint carries LLVM=1 (no LLVM=1 tarball was built)"
fi

finish
