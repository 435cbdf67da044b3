# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tap.sh: the TAP producer helpers every shell test script shares, so a
# result line looks the same whichever script printed it.  Sourced, never
# run; POSIX sh (busybox sh in the guests) is enough.
#
# Where it is found:
#   on the host      "$top/tests/lib/tap.sh"
#   in a guest       "$here/tap.sh": the payload builders (tests/Makefile,
#                    tests/hardening/Makefile, scripts/bench-run.sh) copy it
#                    next to the payload scripts.
#
#   ok DESCRIPTION...          "ok N - DESCRIPTION"
#   not_ok DESCRIPTION...      "not ok N - DESCRIPTION", counted in $failed
#   skip DESCRIPTION REASON    "ok N - DESCRIPTION # SKIP REASON" (a skip is
#                              reported as a skip, never as a pass)
#   diag                       stdin as "# " diagnostic lines (the one
#                              signature: pipe text in, e.g.
#                              `echo "why" | diag` or `diag <log`)
#   plan COUNT                 "1..COUNT" (`plan "$n"` at the end: a trailing
#                              plan, for scripts that count as they go)
#
# n (results so far) and failed (failures so far) start at zero here;
# scripts/run-tests.sh counts lines matching ^(ok|not ok)( |$).

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

diag() {
	sed 's/^/# /'
}

plan() {
	echo "1..$1"
}
