# shellcheck shell=bash disable=SC2154,SC2016 # tmp, top: set by run.sh; bash -c code takes $1...
# Sourced by tests/host/run.sh.  run-on-board.sh shows progress through
# its tee by passing --progress to kxfer-bench, but only to a kxfer-bench
# whose --help offers it (older binaries must still work).  A fake board
# folder on this host: the runner's --dry-run prints the bench command.

board=$tmp/board
mkdir -p "$board"
cp "$top/scripts/board/run-on-board.sh" "$board/"
printf 'x\000vermagic=%s SMP mod_unload \000' "$(uname -r)" >"$board/kxfer.ko"
printf 'version: test\nkdir: /nowhere\nmake_vars:\narch: host\nuname_m: %s\n' \
	"$(uname -m)" >"$board/BUILD-INFO.txt"
# fake_bench yes|no: a kxfer-bench whose --help does or does not offer --progress.
fake_bench() {
	cat >"$board/kxfer-bench" <<BEOF
#!/bin/sh
case \$1 in
--version) echo "kxfer-bench fake (kxfer ABI 3)" ;;
--help) echo "usage: kxfer-bench [options]"; [ $1 = no ] || echo "  --progress  progress lines on stderr" ;;
esac
BEOF
	chmod +x "$board/kxfer-bench"
}
for has in yes no; do
	fake_bench $has
	out=$(cd "$board" && sh ./run-on-board.sh --dry-run --skip-checksums 2>&1)
	cmd=$(sed -n 's/.*would run: \(.*kxfer-bench .*\)/\1/p' <<<"$out")
	if [ $has = yes ]; then
		check "a kxfer-bench with --progress gets it from run-on-board.sh" \
			grep -q -- '--methods all --progress --output-dir' <<<"$cmd"
	else
		check "a kxfer-bench without --progress still runs, without the flag" \
			bash -c '[ -n "$1" ] && ! grep -q -- --progress <<<"$1"' _ "$cmd"
	fi
done
