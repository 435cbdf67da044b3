# shellcheck shell=bash disable=SC2154,SC2016 # tmp, top: set by run.sh; bash -c code takes $1...
# Sourced by tests/host/run.sh.  The guest runner's choice of accelerator
# (scripts/guest/run.sh --probe-accel), with a fake qemu-system-x86_64 on
# PATH whose KVM boot hangs, fails or works, and a stand-in for /dev/kvm:
# fallback to TCG with one note, the cache, the KXFER_ACCEL override.

fake=$tmp/fakeqemu
mkdir -p "$fake"
# FAKE_KVM: hang | fail | ok; every call is logged to FAKE_LOG.
cat >"$fake/qemu-system-x86_64" <<'QEOF'
#!/bin/sh
echo "$*" >>"$FAKE_LOG"
case " $* " in
*" -accel kvm "*) ;;
*) echo "fake qemu: only the KVM probe is expected here" >&2; exit 1 ;;
esac
case $FAKE_KVM in
hang)	exec sleep 300 ;;
fail)	echo "qemu-system-x86_64: failed to initialize kvm: Permission denied" >&2; exit 1 ;;
ok)	# What /init prints for a payload that exits 0 (scripts/guest/init.sh).
	initrd=$(echo "$*" | sed -n 's/.*-initrd \([^ ]*\).*/\1/p')
	tok=$(cpio -i --quiet --to-stdout '*kxfer-guest.conf' <"$initrd" |
	      sed -n "s/^KXFER_TOKEN='\(.*\)'$/\1/p")
	printf 'KXFER:%s:BEGIN 1.0\r\nKXFER:%s:RC 0 1.1\r\n' "$tok" "$tok" ;;
esac
QEOF
chmod +x "$fake/qemu-system-x86_64"
: >"$tmp/kvm"
# probe NAME FAKE_KVM [VAR=value...]: run --probe-accel on 6.1-amd64;
# stdout in NAME.out, stderr in NAME.err, exit status in NAME.rc, seconds
# in NAME.s.
probe() {
	local name=$1 mode=$2 t0 rc
	shift 2
	t0=$SECONDS
	env PATH="$fake:$PATH" FAKE_KVM="$mode" FAKE_LOG="$tmp/qemu.log" \
		KXFER_KVM_DEV="$tmp/kvm" KXFER_ACCEL_CACHE="$tmp/accel" \
		KXFER_KVM_PROBE_TIMEOUT=3 "$@" \
		"$top/scripts/guest/run.sh" --flavour 6.1-amd64 --probe-accel \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	echo $rc >"$tmp/$name.rc"
	echo $((SECONDS - t0)) >"$tmp/$name.s"
}
kvm_calls() { grep -c -- '-accel kvm' "$tmp/qemu.log" 2>/dev/null || true; }
result() {	# NAME: "rc stdout, N stderr lines"
	echo "$(cat "$tmp/$1.rc") $(cat "$tmp/$1.out"), $(grep -c . "$tmp/$1.err") stderr lines"
}

if [ "$(uname -m)" != x86_64 ]; then
	not_ok "KVM probe tests need an x86_64 host (fake qemu-system-x86_64)"
elif [ -z "$(kdir_of 6.1-amd64)" ]; then
	not_ok "KVM probe tests: cached 6.1-amd64 kernel (scripts/fetch-kernel.sh 6.1-amd64)"
else
	probe hang hang KXFER_RUN_ID=t-hang
	if [ "$(result hang)" = "0 tcg, 1 stderr lines" ] &&
	   grep -q '^guest-run: accelerator: TCG (emulated, slower, ratios distorted): a test boot under KVM did not reach the payload within 3s' "$tmp/hang.err" &&
	   [ "$(cat "$tmp/hang.s")" -le 12 ]; then
		ok "a KVM boot that hangs: TCG after the 3 s probe limit, with one note ($(cat "$tmp/hang.s") s)"
	else
		not_ok "a KVM boot that hangs: TCG after the 3 s probe limit, with one note (got $(result hang), $(cat "$tmp/hang.s") s)"
		tail -n 20 "$tmp/hang.err" | diag
	fi
	before=$(kvm_calls)
	probe cached hang KXFER_RUN_ID=t-hang
	check "same make invocation (KXFER_RUN_ID): the cached result, no second probe" \
		bash -c '[ "$1" = "0 tcg, 1 stderr lines" ] && [ "$2" = "$3" ] && [ "$4" -le 2 ]' _ \
		"$(result cached)" "$before" "$(kvm_calls)" "$(cat "$tmp/cached.s")"

	probe fail fail KXFER_RUN_ID=t-fail
	check "a KVM boot that fails: TCG with one note" \
		bash -c '[ "$1" = "0 tcg, 1 stderr lines" ] &&
			 grep -q "accelerator: TCG .*did not reach the payload" "$2"' _ \
		"$(result fail)" "$tmp/fail.err"

	probe works ok KXFER_RUN_ID=t-ok
	check "a KVM boot that reaches the payload: KVM" \
		bash -c '[ "$1" = "0 kvm, 1 stderr lines" ] && grep -qx "guest-run: accelerator: KVM" "$2"' _ \
		"$(result works)" "$tmp/works.err"

	before=$(kvm_calls)
	probe forcetcg ok KXFER_RUN_ID=t-tcg KXFER_ACCEL=tcg
	check "KXFER_ACCEL=tcg: TCG without probing" \
		bash -c '[ "$1" = "0 tcg, 1 stderr lines" ] && [ "$2" = "$3" ] &&
			 grep -q "TCG .*KXFER_ACCEL=tcg" "$4"' _ \
		"$(result forcetcg)" "$before" "$(kvm_calls)" "$tmp/forcetcg.err"
	probe forcekvm ok KXFER_RUN_ID=t-kvm KXFER_ACCEL=kvm
	check "KXFER_ACCEL=kvm where KVM works: KVM" \
		test "$(result forcekvm)" = "0 kvm, 1 stderr lines"
	probe forcehang hang KXFER_RUN_ID=t-kvm-hang KXFER_ACCEL=kvm
	check "KXFER_ACCEL=kvm where the KVM boot hangs: exit 2, says why and what to set" \
		bash -c '[ "$1" = 2 ] && grep -q "KXFER_ACCEL=kvm, but KVM cannot run this guest: a test boot" "$2" &&
			 grep -q "set KXFER_ACCEL=tcg" "$2"' _ "$(cat "$tmp/forcehang.rc")" "$tmp/forcehang.err"
	probe nodev ok KXFER_RUN_ID=t-nodev KXFER_ACCEL=kvm KXFER_KVM_DEV="$tmp/no-kvm"
	check "KXFER_ACCEL=kvm without a KVM device: exit 2, names the missing device" \
		bash -c '[ "$1" = 2 ] && grep -q "KVM cannot run this guest: no $3" "$2"' _ \
		"$(cat "$tmp/nodev.rc")" "$tmp/nodev.err" "$tmp/no-kvm"
	probe bogus ok KXFER_ACCEL=fast
	check "KXFER_ACCEL=fast: exit 2, names the values" \
		bash -c '[ "$1" = 2 ] && grep -q "KXFER_ACCEL=.fast. is not kvm, tcg or auto" "$2"' _ \
		"$(cat "$tmp/bogus.rc")" "$tmp/bogus.err"

	# What the payload sees: init.sh exports KXFER_GUEST from the
	# initramfs configuration, which says what run.sh chose.
	mkdir -p "$tmp/pl"
	echo 'exit 0' >"$tmp/pl/run.sh"
	kenv=$("$top/scripts/fetch-kernel.sh" 6.1-amd64 2>/dev/null)
	moddir=$(sed -n 's/^MODDIR=//p' <<<"$kenv")
	kver=$(sed -n 's/^KVER=//p' <<<"$kenv")
	check "the initramfs tells the payload KXFER_GUEST=qemu-kvm (mkinitramfs --guest), init.sh exports it" \
		bash -c '"$1/scripts/guest/mkinitramfs.sh" --busybox "$(command -v busybox)" --payload "$2" \
			--moddir "$3" --kver "$4" --flavour 6.1-amd64 --token t --guest qemu-kvm \
			--out "$5" &&
			cpio -i --quiet --to-stdout "*kxfer-guest.conf" <"$5" | grep -qx "KXFER_GUEST=.qemu-kvm." &&
			grep -q "^export KXFER_GUEST=\"\${KXFER_GUEST:-qemu-tcg}\"" "$1/scripts/guest/init.sh"' _ \
		"$top" "$tmp/pl" "$moddir" "$kver" "$tmp/probe-initrd.cpio"
fi
