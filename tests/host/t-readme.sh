# shellcheck shell=bash disable=SC2154,SC2016 # tmp, top: set by run.sh; bash -c code takes $1...
# Sourced by tests/host/run.sh.  README.md opens with its title, then the
# two set-up commands, written so that they work as root on a fresh
# machine, where there is no sudo.

readme=$top/README.md
check "README.md line 1 is the title (# kxfer...)" \
	bash -c 'head -n 1 "$1" | grep -q "^# kxfer"' _ "$readme"
# The first two non-blank lines after the title, as written.
cmds=$(tail -n +2 "$readme" | grep -v '^[[:space:]]*$' | head -n 2)
c1=$(sed -n 1p <<<"$cmds")
c2=$(sed -n 2p <<<"$cmds")
check "then the benchmark command (indented code): apt-get install -y make && make bench" \
	grep -Eq '^    apt-get install -y make && make bench( |$)' <<<"$c1"
check "then the test command (indented code): make test" \
	grep -Eq '^    make test( |$)' <<<"$c2"
check "the two commands do not need sudo (absent on a fresh machine)" \
	bash -c '! grep -q sudo <<<"$1"' _ "$cmds"
check "the README says how to run them without root (sudo before apt-get and make)" \
	grep -q 'sudo apt-get install -y make && sudo make bench' "$readme"
