# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# payload-lib.sh: what the test payload scripts (run-functional.sh,
# run-hardening.sh) share.  Sourced, never run; busybox sh is enough.
# tests/Makefile and tests/hardening/Makefile put it next to them in the
# payload folder, so it is found as "$here/payload-lib.sh", and
# tests/lib/tap.sh (ok, not_ok, skip, diag) beside it as "$here/tap.sh".
#
# The caller sets here (its own folder) before sourcing this file and tmp
# (a private scratch folder) before using run_binary.  TAP counters n
# (tests reported) and failed start at zero in tap.sh.

# shellcheck source=tests/lib/tap.sh disable=SC2154 # here: the caller's folder
. "$here/tap.sh"

# shellcheck disable=SC2034 # used by the scripts that source this file
dev=/dev/kxfer0
sysdir=/sys/class/kxfer/kxfer0
default_size=4194304	# the module's default buf_size

# not_ok_because NAME [DIAGNOSTIC LINE...]: a failure and why.
not_ok_because() {
	not_ok "$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | diag
}

wait_for() {	# wait_for TEST-ARGS...: up to 3 s
	i=0
	while ! test "$@"; do
		i=$((i + 1))
		[ $i -le 30 ] || return 1
		sleep 0.1 2>/dev/null || sleep 1
	done
}

# run_binary BIN LIST COUNT [ARGS...]: run BIN's COUNT tests (names in
# LIST) numbered from n + 1, with ARGS after the numbering options.  A
# binary that stops early (crash, kill) gets the tests it never got to
# reported as failures, so a crash cannot shrink the count.
# shellcheck disable=SC2154 # tmp is the caller's scratch folder
run_binary() {
	b=$1 list=$2 count=$3
	shift 3
	first=$((n + 1))
	{
		set +e
		"$b" --no-header --first "$first" "$@"
		echo $? >"$tmp/rc"
	} | tee "$tmp/out.tap"
	rc=$(cat "$tmp/rc")
	done_=$(grep -cE '^(not )?ok [0-9]+ ' "$tmp/out.tap" || true)
	bad=$(grep -cE '^not ok [0-9]+ ' "$tmp/out.tap" || true)
	failed=$((failed + bad))
	n=$((n + done_))
	i=$((done_ + 1))
	while [ "$i" -le "$count" ]; do
		not_ok_because "$(sed -n "${i}p" "$list")" \
			"not run: $b stopped after $done_ of $count tests (exit status $rc)"
		i=$((i + 1))
	done
}

# Later payload stages expect the module as insmod left it: one device
# with the default buffer.
check_module_left_default() {
	if [ -d /sys/module/kxfer ] && [ -c "$dev" ] &&
	   [ "$(cat "$sysdir/buf_size" 2>/dev/null)" = "$default_size" ] &&
	   [ ! -e /dev/kxfer1 ]; then
		ok module_left_loaded_with_default_params
	else
		not_ok_because module_left_loaded_with_default_params \
			"module dir: $(ls -d /sys/module/kxfer 2>&1)" \
			"nodes: $(echo /dev/kxfer*)" \
			"buf_size: $(cat "$sysdir/buf_size" 2>&1)"
	fi
}

# finish_tap: the closing diagnostic; status 1 if anything failed.
finish_tap() {
	echo "# $failed of $n tests failed"
	[ "$failed" -eq 0 ]
}
