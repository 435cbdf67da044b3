# shellcheck shell=bash disable=SC2154,SC2016 # tmp, top: set by run.sh; bash -c code takes $1...
# Sourced by tests/host/run.sh.  `make help` is made from the `## `
# comments, so it lists every target the Makefiles declare .PHONY.

help=$(make -s -C "$top" help 2>&1)
targets=$(cat "$top/Makefile" "$top"/scripts/*.mk |
	sed -n 's/^\.PHONY: *//p' | tr ' ' '\n' | grep . | sort -u)
missing=
for t in $targets; do
	grep -Eq "^  $t +[^ ]" <<<"$help" || missing="$missing $t"
done
if [ -n "$targets" ] && [ -z "$missing" ]; then
	ok "make help lists all $(wc -w <<<"$targets") .PHONY targets with a description"
else
	not_ok "make help lists every .PHONY target with a description (missing:${missing:- no targets found})"
	echo "$help" | tail -n 20 | diag
fi
for t in install uninstall dist bench test; do
	grep -Eq "^  $t " <<<"$help" || missing="$missing $t"
done
check "make help names install, uninstall, dist, bench and test" test -z "$missing"
