#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh --flavour F --payload DIR --out DIR [--timeout SECONDS] [--mem MIB]
#
# Boot Debian kernel flavour F (see scripts/fetch-kernel.sh) under QEMU (KVM
# when it works, else TCG; see below) with a busybox initramfs, run DIR/run.sh in the guest as root with /out as
# working directory, and copy /out back into the host's --out DIR together
# with the guest's dmesg (dmesg.txt) and console (console.log).
#
# The payload's stdout is printed on stdout, its stderr on stderr, after the
# guest has finished (KXFER_GUEST_LIVE=1 streams the raw console to stderr
# while it runs; KXFER_GUEST_LIVE=progress only the payload's stderr lines
# starting with "progress: ", as "guest progress: ...").  KXFER_GUEST_APPEND adds to the kernel command line (the
# last of repeated parameters wins).  A guest that dies before the payload
# starts is booted again KXFER_GUEST_BOOT_RETRIES times (default 1).
#
# Accelerator: KXFER_ACCEL=kvm|tcg forces one; unset (or auto) uses KVM when
# /dev/kvm is usable for the guest's architecture and a short test boot
# under KVM reaches the payload within KXFER_KVM_PROBE_TIMEOUT seconds
# (default 25), else TCG with a one-line note (under nested virtualisation
# a KVM guest can hang in the decompressor: hence a boot, not an ioctl).
# The probe's result is cached in .cache/accel/ per make invocation
# (KXFER_RUN_ID, set by the top-level Makefile) or, without one, per host
# boot.  Payloads see KXFER_GUEST=qemu-kvm or qemu-tcg.  A forced kvm that
# cannot work exits 2.  --probe-accel prints the accelerator (kvm or tcg)
# that a run would use, and exits.
#
# Exit status: the payload's, when the guest finished cleanly.  Otherwise
#   124  the guest did not finish within --timeout
#   125  the guest failed: kernel panic, no result markers, damaged archive,
#        or dmesg holding a WARNING/BUG/Oops/usercopy/lockdep/Call Trace...
# (a payload status of 124 or 125 is reported as 1 so these stay unambiguous).
set -euo pipefail

prog=guest-run
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 125; }
note() { printf '%s: %s\n' "$prog" "$*" >&2; }

usage() {
	cat >&2 <<'EOF'
usage: scripts/guest/run.sh --flavour F --payload DIR --out DIR
                            [--timeout SECONDS] [--mem MIB]
       scripts/guest/run.sh --flavour F --probe-accel
  F: 6.1-amd64 6.1-arm64 6.12-amd64 6.12-arm64 6.12-arm64-16k
  DIR must contain run.sh; defaults: --timeout 300, --mem 1024.
  KXFER_GUEST_LIVE=1 shows the console while the guest runs, =progress
  only the payload's "progress: " lines.
  KXFER_ACCEL=kvm|tcg forces the accelerator (default: KVM if it works).
EOF
	exit 2
}

flavour='' payload='' out='' timeout_s=300 mem=1024 probe_only=0
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage ;;
	--probe-accel) probe_only=1; shift; continue ;;
	esac
	[ $# -ge 2 ] || { note "option $1 needs a value"; usage; }
	case $1 in
	--flavour) flavour=$2 ;;
	--payload) payload=$2 ;;
	--out) out=$2 ;;
	--timeout) timeout_s=$2 ;;
	--mem) mem=$2 ;;
	*) note "unknown argument '$1'"; usage ;;
	esac
	shift 2
done
[ -n "$flavour" ] || usage
if [ "$probe_only" = 0 ] && { [ -z "$payload" ] || [ -z "$out" ]; }; then
	usage
fi
case $timeout_s in ''|*[!0-9]*) note "--timeout wants whole seconds"; usage ;; esac
case $mem in ''|*[!0-9]*) note "--mem wants MiB"; usage ;; esac
case ${KXFER_ACCEL:-auto} in
auto|kvm|tcg) ;;
*) note "KXFER_ACCEL='$KXFER_ACCEL' is not kvm, tcg or auto (unset: KVM when it works)"; exit 2 ;;
esac
probe_s=${KXFER_KVM_PROBE_TIMEOUT:-25}
case $probe_s in ''|*[!0-9]*|0) note "KXFER_KVM_PROBE_TIMEOUT wants whole seconds, not '$probe_s'"; exit 2 ;; esac
if [ "$probe_only" = 0 ]; then
	[ -f "$payload/run.sh" ] ||
		die "payload folder '$payload' has no run.sh (see docs/CONTRACTS.md, Payloads)"
	payload=$(cd "$payload" && pwd -P)
fi

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)

kenv=$("$top/scripts/fetch-kernel.sh" "$flavour") ||
	die "could not fetch kernel flavour $flavour"
eval "$kenv"
busybox=$("$here/fetch-busybox.sh" "$DEB_ARCH") ||
	die "could not get a static busybox for $DEB_ARCH"

work=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-guest.XXXXXX")
trap 'rm -rf "$work"' EXIT

# loglevel=1 keeps kernel messages off the console (the results travel on
# it); an oops still prints in full (oops_begin raises the level) and then
# panics, and panic=-1 with -no-reboot ends QEMU at once instead of letting
# a half-dead guest run into the timeout.
# log_buf_len: a long test run must not push an early warning out of the
# ring buffer before init saves dmesg.
# TCG runs the guest 10-50x slower than hardware and shares the host with
# other guests: the RCU stall and soft lockup detectors get 3x their
# defaults, so host load is not reported as a kernel problem while a CPU
# hog in the driver still is.
append="loglevel=1 panic=-1 oops=panic rdinit=/init log_buf_len=8M"
append="$append rcupdate.rcu_cpu_stall_timeout=60 watchdog_thresh=30"
# qemu_cmd ACCEL: the QEMU command line up to the kernel, in array qemu.
# shellcheck disable=SC2054 # -M virt,gic-version=host is one argument
qemu_cmd() {
	case $QEMU_ARCH/$1 in
	x86_64/tcg)	qemu=(qemu-system-x86_64 -accel tcg -cpu max) ;;
	x86_64/kvm)	qemu=(qemu-system-x86_64 -accel kvm -cpu host) ;;
	# pauth-impdef: QEMU's default (architected QARMA) pointer
	# authentication is very slow to emulate.
	aarch64/tcg)	qemu=(qemu-system-aarch64 -M virt -accel tcg -cpu 'max,pauth-impdef=on') ;;
	aarch64/kvm)	qemu=(qemu-system-aarch64 -M virt,gic-version=host -accel kvm -cpu host) ;;
	*)		die "unknown QEMU_ARCH '$QEMU_ARCH'" ;;
	esac
	command -v "${qemu[0]}" >/dev/null ||
		die "${qemu[0]} not found; run scripts/install-deps.sh"
	qemu+=(-smp 2 -m "$mem" -nographic -no-reboot -nic none -kernel "$VMLINUZ")
}
case $QEMU_ARCH in
x86_64)		append="console=ttyS0 $append" ;;
aarch64)	append="console=ttyAMA0 $append" ;;
*)		die "unknown QEMU_ARCH '$QEMU_ARCH'" ;;
esac
# The KVM probe boots without the caller's additions (they may be meant
# to break the boot, as in the runner's self-test).
probe_append=$append
append="$append ${KXFER_GUEST_APPEND:-}"

# --- accelerator ---------------------------------------------------------

kvm_dev=${KXFER_KVM_DEV:-/dev/kvm}	# another path only for the tests

# Why KVM cannot serve this guest without trying, or nothing.
kvm_unusable() {
	local host
	host=$(uname -m)
	[ "$host" = "$QEMU_ARCH" ] ||
		{ echo "a $QEMU_ARCH guest on this $host host"; return; }
	[ -e "$kvm_dev" ] || { echo "no $kvm_dev"; return; }
	[ -r "$kvm_dev" ] && [ -w "$kvm_dev" ] ||
		echo "$kvm_dev is not read-writable for $(id -un) (group kvm?)"
}

# kvm_boots: a guest with an empty payload, under KVM, within probe_s.
kvm_boots() {
	local p=$work/probe-payload tok
	mkdir -p "$p"
	echo 'exit 0' >"$p/run.sh"
	tok=probe$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	"$here/mkinitramfs.sh" --busybox "$busybox" --payload "$p" \
		--moddir "$MODDIR" --kver "$KVER" --flavour "$flavour" \
		--token "$tok" --guest qemu-kvm --out "$work/probe.cpio" ||
		die "could not build the initramfs of the KVM probe"
	qemu_cmd kvm
	timeout -k 5 "$probe_s" "${qemu[@]}" -initrd "$work/probe.cpio" \
		-append "$probe_append" </dev/null >"$work/probe.con" 2>"$work/probe.err"
	grep -q "^KXFER:$tok:RC 0 " <(tr -d '\r' <"$work/probe.con")
}

# probe_kvm: "kvm" or "tcg <reason>", from the cache when this make
# invocation (or host boot) already probed this guest architecture.
probe_kvm() {
	local cache=${KXFER_ACCEL_CACHE:-$top/.cache/accel} key line result
	key=${KXFER_RUN_ID:-boot-$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)}
	mkdir -p "$cache"
	# Flavours run in parallel: one probe, the others wait for it.
	exec 8>"$cache/$QEMU_ARCH.lock"
	flock 8
	line=$(sed -n "s/^$key //p" "$cache/$QEMU_ARCH" 2>/dev/null || true)
	if [ -n "$line" ]; then
		result=$line
	elif kvm_boots; then
		result=kvm
	else
		result="tcg a test boot under KVM did not reach the payload within ${probe_s}s (nested virtualisation?)"
	fi
	printf '%s %s\n' "$key" "$result" >"$cache/$QEMU_ARCH"
	exec 8>&-
	echo "$result"
}

# choose_accel: sets accel (kvm|tcg) and accel_why (empty for KVM).
choose_accel() {
	local why result
	accel=tcg accel_why="KXFER_ACCEL=tcg"
	[ "${KXFER_ACCEL:-auto}" != tcg ] || return 0
	why=$(kvm_unusable)
	if [ -z "$why" ]; then
		result=$(probe_kvm)
		if [ "$result" = kvm ]; then
			accel=kvm accel_why=
			return 0
		fi
		why=${result#tcg }
	fi
	if [ "${KXFER_ACCEL:-auto}" = kvm ]; then
		note "error: KXFER_ACCEL=kvm, but KVM cannot run this guest: $why.
  Unset KXFER_ACCEL (KVM when it works, else TCG) or set KXFER_ACCEL=tcg."
		exit 2
	fi
	accel_why=$why
}

choose_accel
if [ "$accel" = kvm ]; then
	note "accelerator: KVM"
else
	note "accelerator: TCG (emulated, slower, ratios distorted): $accel_why"
fi
if [ "$probe_only" = 1 ]; then
	echo "$accel"
	exit 0
fi
qemu_cmd "$accel"

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
# A dmesg.txt left from an earlier run must not stand in for this one's.
rm -f "$out/dmesg.txt" "$out/console.log"

token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
"$here/mkinitramfs.sh" --busybox "$busybox" --payload "$payload" \
	--moddir "$MODDIR" --kver "$KVER" --flavour "$flavour" \
	--token "$token" --guest "qemu-$accel" --out "$work/initrd.cpio" ||
	die "could not build the initramfs"
qemu+=(-initrd "$work/initrd.cpio" -append "$append")

raw=$work/console.raw
con=$work/console.txt
m="KXFER:$token:"

boot() {
	note "booting $flavour ($KVER) with payload $payload, timeout ${timeout_s}s"
	start=$(date +%s.%N)
	set +e
	if [ "${KXFER_GUEST_LIVE:-0}" = 1 ]; then
		timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null \
			2>"$work/qemu.err" | tee "$raw" >&2
		qrc=${PIPESTATUS[0]}
	elif [ "${KXFER_GUEST_LIVE:-0}" = progress ]; then
		# Only the payload's "progress: ..." stderr lines, as they come.
		timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null \
			2>"$work/qemu.err" | tee "$raw" |
			sed -un 's/\r$//; s/^KXFER-ERR| \(progress: \)/guest \1/p' >&2
		qrc=${PIPESTATUS[0]}
	else
		timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null >"$raw" \
			2>"$work/qemu.err"
		qrc=$?
	fi
	set -e
	end=$(date +%s.%N)
	wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

	# Serial consoles turn \n into \r\n; firmware (SeaBIOS) clears the
	# screen with escape sequences that would garble logs and diagnostics.
	tr -d '\r' <"$raw" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' >"$con"
}

# A kernel that dies before /init starts the payload has not run a line of
# kxfer (the payload loads the module): under TCG this is the emulator (seen:
# an int3 oops while the booting kernel patched its own text with both vCPUs
# running).  Such a boot is retried, once by default, and said so; anything
# after the payload started is never retried.
retries=${KXFER_GUEST_BOOT_RETRIES:-1}
boot
while [ "$qrc" != 124 ] && [ "$qrc" != 137 ] && [ "$retries" -gt 0 ] &&
	! grep -q "^${m}BEGIN " "$con"; do
	note "the guest died before starting the payload (not kxfer's doing: the payload had not run); retrying the boot ($retries left). Its console:"
	grep -v "^KXFER-ERR| " "$con" | tail -n 25 | sed 's/^/  | /' >&2
	retries=$((retries - 1))
	boot
done

# console.log: the console without the base64 archive.
awk -v m="$m" '
	index($0, m "ARCHIVE ") == 1 { print; skip = 1; n = 0; next }
	index($0, m "END") == 1 { if (skip) print "[" n " lines of base64 archive omitted]"; skip = 0 }
	skip { n++; next }
	{ print }' "$con" >"$out/console.log"

failure=
fail() {	# record the first harness failure; keep going to report all
	note "FAIL: $*"
	[ -n "$failure" ] || failure=$*
}

begin=$(grep -m1 "^${m}BEGIN " "$con" || true)
rcline=$(grep -m1 "^${m}RC " "$con" || true)
archline=$(grep -m1 "^${m}ARCHIVE " "$con" || true)
endline=$(grep -m1 "^${m}END\$" "$con" || true)

# The payload's output, split back into stdout and stderr.
if [ -n "$begin" ]; then
	awk -v m="$m" '
		index($0, m "BEGIN ") == 1 { on = 1; next }
		index($0, m "RC ") == 1 { exit }
		on' "$con" >"$work/payload.txt"
	# Kernel messages that reach the console (an oops raises the log
	# level) are left out, so stdout stays the payload's TAP; they are
	# in console.log and in the report of check-dmesg.sh below.
	klines='^\[ *[0-9]+\.[0-9]+\] '
	grep -Ev "^KXFER-ERR\| |$klines" "$work/payload.txt" || true
	sed -n 's/^KXFER-ERR| //p' "$work/payload.txt" >&2
fi

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	fail "guest did not finish within ${timeout_s}s (raise --timeout if it was still making progress)"
elif [ "$qrc" != 0 ]; then
	fail "QEMU exited with status $qrc: $(head -c 2000 "$work/qemu.err")"
fi
if grep -q 'Kernel panic' "$con"; then
	fail "kernel panic"
fi

payload_rc=
if [ -z "$begin" ]; then
	fail "guest never started the payload (kernel or /init failed to boot)"
elif [ -z "$rcline" ]; then
	fail "payload did not finish (no exit status marker)"
else
	payload_rc=$(echo "$rcline" | cut -d' ' -f2)
	t_begin=$(echo "$begin" | cut -d' ' -f2)
	t_end=$(echo "$rcline" | cut -d' ' -f3)
fi

if [ -n "$payload_rc" ]; then
	if [ -z "$archline" ] || [ -z "$endline" ]; then
		fail "results archive missing or cut off (no END marker)"
	else
		size=$(echo "$archline" | cut -d' ' -f2)
		sum=$(echo "$archline" | cut -d' ' -f3)
		awk -v m="$m" '
			index($0, m "ARCHIVE ") == 1 { on = 1; next }
			index($0, m "END") == 1 { exit }
			on' "$con" | base64 -d >"$work/out.tar.gz" 2>"$work/b64.err" ||
			true
		got_size=$(wc -c <"$work/out.tar.gz")
		got_sum=$(sha256sum "$work/out.tar.gz" | cut -d' ' -f1)
		if [ "$got_size" != "$size" ] || [ "$got_sum" != "$sum" ]; then
			fail "results archive damaged on the console ($got_size of $size bytes, checksum $([ "$got_sum" = "$sum" ] && echo ok || echo mismatch)); kernel messages interleaved?"
		elif ! tar -xzf "$work/out.tar.gz" -C "$out"; then
			fail "could not unpack the results archive"
		fi
	fi
fi

# The guest's dmesg if it got out, else whatever reached the console.
if [ -f "$out/dmesg.txt" ] && [ -n "$endline" ]; then
	klog=$out/dmesg.txt
else
	klog=$out/console.log
fi
splat=
if ! "$here/check-dmesg.sh" "$klog" >"$work/splat.txt"; then
	cat "$work/splat.txt" >&2
	fail "kernel reported a problem (see $klog)"
	splat=1
fi

if [ -n "$failure" ]; then
	if [ -z "$splat" ]; then
		note "last console lines:"
		grep -v "^KXFER-ERR| " "$out/console.log" | tail -n 25 |
			sed 's/^/  | /' >&2
	fi
	note "$flavour: FAILED after ${wall}s: $failure"
	note "console: $out/console.log"
	case $qrc in 124|137) exit 124 ;; esac
	exit 125
fi

note "$flavour: payload exit status $payload_rc; guest boot ${t_begin}s, payload $(awk -v a="$t_begin" -v b="$t_end" 'BEGIN { printf "%.1f", b - a }')s (guest clock), wall ${wall}s"
case $payload_rc in
124|125)
	note "payload exit status $payload_rc reported as 1 (124/125 are the runner's)"
	exit 1 ;;
esac
exit "$payload_rc"
