#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload run.sh of `make test` (scripts/run-tests.sh copies it into each
# flavour's payload folder as run.sh).  Runs the functional tests, the
# hardening tests, then the benchmark's shape check when the payload has
# it.  Booted with swiotlb=force (run-tests.sh's second pass of every
# flavour), it runs the functional tests and check-swiotlb.sh only, to
# keep the matrix's time.  Each prints its own TAP stream;
# scripts/run-tests.sh counts them.  Exit status 1 if any failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
rc=0

if grep -qw 'swiotlb=force' /proc/cmdline; then
	for s in run-functional.sh check-swiotlb.sh; do
		if [ -f "$here/$s" ]; then
			sh "$here/$s" || rc=1
		else
			echo "1..1"
			echo "not ok 1 - $s is in the payload"
			rc=1
		fi
	done
	exit $rc
fi

if [ -f "$here/run-functional.sh" ]; then
	sh "$here/run-functional.sh" || rc=1
else
	echo "1..1"
	echo "not ok 1 - run-functional.sh is in the payload"
	rc=1
fi

# Stress, fuzzing, lifetime and leak tests; they reload the module as
# they need and leave it loaded with default parameters.
if [ -f "$here/run-hardening.sh" ]; then
	sh "$here/run-hardening.sh" || rc=1
else
	echo "1..1"
	echo "not ok 1 - run-hardening.sh is in the payload"
	rc=1
fi

if [ -f "$here/bench-check.sh" ]; then
	# run-functional.sh leaves the module loaded with default parameters;
	# if it could not, bench-check.sh still gets its chance.
	if [ ! -d /sys/module/kxfer ]; then
		insmod "$here/kxfer.ko" ||
			echo "test-suite: insmod $here/kxfer.ko failed" >&2
	fi
	sh "$here/bench-check.sh" || rc=1
fi

exit $rc
