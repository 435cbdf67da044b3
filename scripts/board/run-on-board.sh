#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-on-board.sh: from the unpacked kxfer tarball on the board,
#
#   sudo ./run-on-board.sh [options] [-- kxfer-bench options]
#
# checks that kxfer.ko and the binaries fit this machine, loads the module,
# runs the benchmark suite, unloads the module (also on Ctrl-C or error)
# and leaves results/<machine>-<kernel>-<date>/ (bench.csv, bench.json,
# meta.txt, dmesg.txt) ready for `make plot RESULTS=...` on the host.
#
# POSIX sh on purpose: boards often have only busybox.  No modinfo, file,
# readelf or bash is assumed.
set -eu

prog=run-on-board.sh
orig_args="$*"
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<'EOF'
usage: sudo ./run-on-board.sh [options] [-- kxfer-bench options]

  --buf-size SIZE   module buffer per device (default 64M; K/M/G suffixes);
                    64M holds the whole default size sweep (64 B .. 64 MiB)
  --nr-devs N       number of /dev/kxferN devices (default 1)
  --reload          if kxfer is already loaded, unload it and load this one
  --keep-loaded     leave the module loaded at the end
  --no-stream       skip the streaming sweep (kxfer-bench --stream) after
                    the main run
  --out DIR         parent folder for results (default: results/ next to
                    this script)
  --name NAME       results folder name (default <machine>-<kernel>-<date>)
  --skip-checksums  do not compare files against SHA256SUMS
  --check-only      only check that module, binaries and kernel fit (no
                    root needed, nothing is loaded); exit 0 if they do
  --dry-run         run the checks and print what would be done
  -h, --help        this text

Everything after -- goes to kxfer-bench, e.g.
  sudo ./run-on-board.sh -- --sizes 4K:4M --min-time 0.5 --threads 2
See README.md in this folder.
EOF
}

say() { printf '%s\n' "$*"; }
warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }

buf_size=64M
nr_devs=1
reload=0
keep_loaded=0
stream=1
out=$here/results
name=
skip_sums=0
check_only=0
dry_run=0

need_arg() { [ "$2" -ge 2 ] || die "$1 needs a value (see --help)"; }
while [ $# -gt 0 ]; do
	case $1 in
	--buf-size)	need_arg "$1" $#; buf_size=$2; shift ;;
	--buf-size=*)	buf_size=${1#*=} ;;
	--nr-devs)	need_arg "$1" $#; nr_devs=$2; shift ;;
	--nr-devs=*)	nr_devs=${1#*=} ;;
	--reload)	reload=1 ;;
	--keep-loaded)	keep_loaded=1 ;;
	--no-stream)	stream=0 ;;
	--out)		need_arg "$1" $#; out=$2; shift ;;
	--out=*)	out=${1#*=} ;;
	--name)		need_arg "$1" $#; name=$2; shift ;;
	--name=*)	name=${1#*=} ;;
	--skip-checksums) skip_sums=1 ;;
	--check-only)	check_only=1 ;;
	--dry-run)	dry_run=1 ;;
	-h|--help)	usage; exit 0 ;;
	--)		shift; break ;;
	*)		usage >&2; die "unknown option '$1' (kxfer-bench options go after --)" ;;
	esac
	shift
done
# "$@" now holds the extra kxfer-bench options.

# ---- values ----------------------------------------------------------

# SIZE[K|M|G] -> bytes; the module parameter takes plain bytes.
to_bytes() {
	case $1 in
	*[!0-9KkMmGg]* | '' | [KkMmGg]* | *[KkMmGg]?* | ?????????????*)
		return 1 ;;
	esac
	# Leading zeros would make $(( )) read octal.
	num=$(printf '%s' "${1%[KkMmGg]}" | sed 's/^0*//')
	case $1 in
	*[Kk])	echo $(( ${num:-0} * 1024 )) ;;
	*[Mm])	echo $(( ${num:-0} * 1024 * 1024 )) ;;
	*[Gg])	echo $(( ${num:-0} * 1024 * 1024 * 1024 )) ;;
	*)	echo $(( ${num:-0} )) ;;
	esac
}
buf_bytes=$(to_bytes "$buf_size") ||
	die "--buf-size '$buf_size' is not a size; use bytes or a K/M/G suffix, e.g. 64M"
[ "$buf_bytes" -ge 4096 ] && [ "$buf_bytes" -le 1073741824 ] ||
	die "--buf-size '$buf_size' is out of range; use 4K .. 1G"
case $nr_devs in
''|*[!0-9]*) die "--nr-devs '$nr_devs' is not a number (1..32)" ;;
esac
[ "$nr_devs" -ge 1 ] && [ "$nr_devs" -le 32 ] ||
	die "--nr-devs '$nr_devs' is out of range (1..32)"

# "key: value" from BUILD-INFO.txt (written by scripts/dist.sh).
build_info() {
	sed -n "s/^$1: //p" "$here/BUILD-INFO.txt" 2>/dev/null | head -n 1
}

# The vermagic string from the module's .modinfo section.  busybox modinfo
# insists on /lib/modules/$(uname -r)/modules.dep even for a file path,
# so read the NUL-separated strings directly.
vermagic_of() {
	tr '\000' '\n' <"$1" | sed -n 's/^vermagic=//p' | head -n 1
}

# ---- checks (no root needed) -----------------------------------------

problems=0
problem() {
	printf '%s: %s\n' "$prog" "$*" >&2
	problems=$((problems + 1))
}

ko=$here/kxfer.ko
bench=$here/kxfer-bench
for f in "$ko" "$bench" "$here/BUILD-INFO.txt"; do
	[ -f "$f" ] || die "$f is missing; unpack the whole kxfer tarball and run this script from it"
done

if [ "$skip_sums" = 0 ] && [ -f "$here/SHA256SUMS" ]; then
	if command -v sha256sum >/dev/null 2>&1; then
		if ! sums=$(cd "$here" && sha256sum -c SHA256SUMS 2>&1); then
			printf '%s\n' "$sums" | grep -v ': OK$' >&2 || true
			problem "files differ from the tarball's SHA256SUMS (incomplete copy?); copy and unpack the tarball again, or pass --skip-checksums if you changed them on purpose"
		fi
	else
		warn "no sha256sum here; file integrity not checked"
	fi
fi

running=$(uname -r)
machine_arch=$(uname -m)
want_arch=$(build_info uname_m)
built_kdir=$(build_info kdir)
# How the tarball was made, to tell the user how to make a matching one.
make_vars=$(build_info make_vars)
magic=$(vermagic_of "$ko")
built_for=${magic%% *}

arch_ok=1
case $want_arch in
arm*)	case $machine_arch in arm*|aarch64*) ;; *) arch_ok=0 ;; esac ;;
'')	;;
*)	[ "$machine_arch" = "$want_arch" ] || arch_ok=0 ;;
esac
if [ "$arch_ok" = 0 ]; then
	# The make variables for this machine's CPU (Debian/Ubuntu toolchains).
	case $machine_arch in
	aarch64*)	make_vars="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	arm*)		make_vars="ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-" ;;
	riscv64)	make_vars="ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-" ;;
	x86_64)		make_vars="ARCH=x86_64 CROSS_COMPILE=x86_64-linux-gnu-" ;;
	*)		make_vars="ARCH=<kernel arch> CROSS_COMPILE=<toolchain prefix>" ;;
	esac
	problem "this tarball is for $want_arch but this machine is $machine_arch.
  Copy it to the board it was built for, or rebuild on the host with this
  machine's toolchain:
    make $make_vars KDIR=/path/to/board/kernel dist"
fi

if [ -z "$magic" ]; then
	problem "$ko has no vermagic; it is not a kernel module (bad copy?)"
elif [ "$built_for" != "$running" ]; then
	problem "kxfer.ko was built for kernel $built_for, but this board runs $running.
  The kernel refuses modules built for another release (vermagic).
  Rebuild on the host against this board's kernel tree and make dist again:
    make ${make_vars:+$make_vars }KDIR=/path/to/kernel-$running dist
  (this tarball was built with KDIR=${built_kdir:-unknown});
  the kernel tree must be the one the board's kernel was built from, after
  'make modules_prepare'.  On Debian-like boards: apt install linux-headers-$running
  and build natively, or use DKMS (see README.md)."
fi

# A binary for the wrong CPU fails with "Exec format error" (126) or, when
# dynamically linked against a missing loader, "not found" (127).
if [ "$arch_ok" = 1 ]; then
	set +e
	bench_version=$("$bench" --version 2>&1)
	rc=$?
	set -e
	if [ "$rc" -ne 0 ]; then
		problem "kxfer-bench does not run here (exit $rc: $bench_version).
  126/'Exec format error' means it was built for another CPU, 127/'not found'
  a dynamically linked binary: rebuild with 'make dist' (static binaries)."
	fi
else
	bench_version="not run (wrong architecture)"
fi

if [ -d /sys/module/kxfer ]; then
	already_loaded=1
else
	already_loaded=0
fi
if [ ! -e /proc/modules ]; then
	problem "this kernel has no loadable module support (CONFIG_MODULES is off); kxfer needs a kernel built with CONFIG_MODULES=y"
fi
is_root=0
[ "$(id -u)" = 0 ] && is_root=1

if [ "$check_only" = 1 ]; then
	say "kxfer.ko:    built for $built_for (${want_arch:-unknown arch})"
	say "this board:  $running ($machine_arch)"
	say "kxfer-bench: $bench_version"
	[ "$already_loaded" = 0 ] || say "kxfer:       already loaded (use --reload to replace it)"
	[ "$is_root" = 1 ] || say "root:        no (the real run needs sudo)"
	if [ "$problems" -gt 0 ]; then
		say "check: $problems problem(s), see above"
		exit 1
	fi
	say "check: OK, ready for: sudo $0"
	exit 0
fi

if [ "$problems" -gt 0 ] && [ "$dry_run" = 0 ]; then
	die "$problems problem(s) above; nothing was loaded"
fi
if [ "$is_root" = 0 ] && [ "$dry_run" = 0 ]; then
	die "loading a kernel module needs root; run: sudo $0${orig_args:+ $orig_args}"
fi

# ---- from here on, things change on the machine ----------------------

# dry-run prints the commands that change something instead of running them.
act() {
	if [ "$dry_run" = 1 ]; then
		say "would run: $*"
	else
		"$@"
	fi
}

loaded_by_us=0
pipe_pid=
made_nodes=
made_out=0
status=failed
dir=

# The bench must be gone before rmmod: it holds /dev/kxfer0 open.
stop_bench() {
	[ -n "$dir" ] && [ -f "$dir/.bench-pid" ] || return 0
	pid=$(cat "$dir/.bench-pid")
	rm -f "$dir/.bench-pid"
	kill -TERM "$pid" 2>/dev/null || return 0
	i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 20 ]; do
		sleep 0.25 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null || true
	[ -z "$pipe_pid" ] || wait "$pipe_pid" 2>/dev/null || true
	rm -f "$dir/.bench-rc"
	say "kxfer-bench stopped"
}

unload() {
	for n in $made_nodes; do
		rm -f "$n"
	done
	made_nodes=
	if [ "$loaded_by_us" = 1 ] && [ "$keep_loaded" = 0 ]; then
		if rmmod kxfer 2>/dev/null; then
			say "kxfer unloaded"
		else
			warn "could not unload kxfer (still in use?); unload it later with: sudo rmmod kxfer"
		fi
	elif [ "$loaded_by_us" = 1 ]; then
		say "kxfer left loaded (--keep-loaded); unload with: sudo rmmod kxfer"
	fi
	loaded_by_us=0
}

cleanup() {
	trap - EXIT INT TERM HUP
	stop_bench
	unload
	if [ -n "$dir" ] && [ -f "$dir/meta.txt" ]; then
		printf 'status: %s\n' "$status" >>"$dir/meta.txt"
	fi
	# Failed before anything was measured: leave no empty folder behind.
	if [ -n "$dir" ] && [ "$dry_run" = 0 ] && rmdir "$dir" 2>/dev/null; then
		dir=
	fi
	if [ -n "$dir" ] && [ "$dry_run" = 0 ]; then
		case $status in
		complete) ;;
		failed|interrupted)
			warn "run $status; partial results (not for comparison) in $dir" ;;
		*)	warn "run $status" ;;
		esac
	fi
	# Results written as root belong to the user who ran sudo, so that
	# they can copy and delete them.
	if [ -n "$dir" ] && [ -d "$dir" ] && [ -n "${SUDO_UID:-}" ]; then
		owner=$SUDO_UID:${SUDO_GID:-$SUDO_UID}
		chown -R "$owner" "$dir" 2>/dev/null || true
		[ "$made_out" = 0 ] || chown "$owner" "$out" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'status=interrupted; exit 130' INT
trap 'status=interrupted; exit 143' TERM
trap 'status=interrupted; exit 129' HUP

if [ "$already_loaded" = 1 ]; then
	old_params=
	for p in buf_size nr_devs; do
		[ ! -r "/sys/module/kxfer/parameters/$p" ] ||
			old_params="$old_params $p=$(cat "/sys/module/kxfer/parameters/$p")"
	done
	if [ "$reload" = 0 ]; then
		die "kxfer is already loaded (${old_params# }).
  Rerun with --reload to unload it and load this tarball's kxfer.ko,
  or unload it yourself: sudo rmmod kxfer"
	fi
	say "kxfer is already loaded (${old_params# }); unloading it (--reload)"
	if ! act rmmod kxfer; then
		die "cannot unload kxfer; a program still has /dev/kxfer* open or mapped (check: lsmod | grep kxfer; fuser /dev/kxfer*)"
	fi
fi

board_model() {
	if [ -r /proc/device-tree/model ]; then
		tr -d '\000' </proc/device-tree/model
	elif [ -r /sys/class/dmi/id/product_name ]; then
		cat /sys/class/dmi/id/product_name
	else
		uname -n
	fi
}
# Folder names as scripts/report.py folder-name makes them on the host
# (make bench): lower case, runs of other characters as one '-', at most
# 40 characters per part, UTC date.
slug() {
	s=$(printf '%s' "$1" | tr 'A-Z' 'a-z' |
	    sed 's/[^a-z0-9.][^a-z0-9.]*/-/g; s/^[-.]*//' | cut -c 1-40 |
	    sed 's/[-.]*$//')
	printf '%s\n' "${s:-unknown}"
}
host=$(uname -n 2>/dev/null || hostname)
board=$(board_model)
named=0
[ -z "$name" ] || named=1
[ -n "$name" ] ||
	name=$(slug "$board")-$(slug "$running")-$(date -u +%Y%m%dT%H%M%SZ)
case $name in
*/*|.|..|'') die "--name '$name' must be a plain folder name" ;;
esac
dir=$out/$name
if [ "$dry_run" = 1 ]; then
	say "would create: $dir"
else
	[ ! -e "$dir" ] || die "$dir already exists; pick another --name"
	[ -d "$out" ] || made_out=1
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	out=$(cd "$out" && pwd)
fi

# dmesg lines before the load, so that dmesg.txt holds only this run.
dmesg_before=$(dmesg 2>/dev/null | wc -l) || dmesg_before=0
dmesg_before=$((dmesg_before + 0))
# The kernel's messages since then; the last 200 if the ring buffer wrapped.
new_dmesg() {
	now=$(dmesg 2>/dev/null | wc -l) || now=0
	if [ "$((now + 0))" -gt "$dmesg_before" ]; then
		dmesg | tail -n "$((now - dmesg_before))"
	else
		dmesg 2>/dev/null | tail -n 200
	fi
}

# insmod does not resolve dependencies; on kernels where the module needs
# others (e.g. libcrc32c when crc32c is modular), load them by name first.
deps=$(tr '\000' '\n' <"$ko" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' ')
for d in $deps; do
	[ ! -d "/sys/module/$d" ] || continue
	if command -v modprobe >/dev/null 2>&1; then
		act modprobe "$d" || warn "could not load $d, which kxfer needs; insmod will likely fail"
	else
		warn "kxfer needs module $d and there is no modprobe; load it first"
	fi
done

params="buf_size=$buf_bytes nr_devs=$nr_devs"
say "loading kxfer.ko ($params)"
if [ "$dry_run" = 1 ]; then
	say "would run: insmod $ko $params"
else
	# shellcheck disable=SC2086 # one word per parameter
	if ! ierr=$(insmod "$ko" $params 2>&1); then
		printf '%s: insmod failed: %s\n' "$prog" "$ierr" >&2
		say "kernel messages since the insmod:" >&2
		new_dmesg | tail -n 20 | sed 's/^/  /' >&2
		case $ierr in
		*"Invalid module format"*|*"Exec format error"*)
			say "hint: module and kernel do not match (vermagic, CPU, or kernel config); rebuild with this board's KDIR" >&2 ;;
		*"Key was rejected"*|*"Required key not available"*)
			say "hint: this kernel only loads signed modules; sign kxfer.ko with the board's key or disable enforcement (see README.md)" >&2 ;;
		*"Operation not permitted"*)
			say "hint: module loading is locked down (Secure Boot lockdown or /proc/sys/kernel/modules_disabled=1)" >&2 ;;
		*"Cannot allocate memory"*|*"Out of memory"*)
			say "hint: not enough memory for $nr_devs x $buf_size; try a smaller --buf-size" >&2 ;;
		*"nknown symbol"*)
			say "hint: the kernel lacks a symbol the module uses; the KDIR used for the build does not match this kernel's configuration" >&2 ;;
		esac
		exit 1
	fi
	loaded_by_us=1
fi

# udev/mdev create /dev/kxferN from sysfs; on boards with neither and no
# devtmpfs, make the nodes ourselves (and remove them again at the end).
if [ "$dry_run" = 0 ]; then
	i=0
	while [ ! -c /dev/kxfer0 ] && [ "$i" -lt 10 ]; do
		sleep 0.3 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	n=0
	while [ "$n" -lt "$nr_devs" ]; do
		node=/dev/kxfer$n
		if [ ! -c "$node" ]; then
			devnum=$(cat "/sys/class/kxfer/kxfer$n/dev" 2>/dev/null) ||
				die "kxfer loaded but neither $node nor /sys/class/kxfer/kxfer$n exists; see dmesg"
			mknod -m 0600 "$node" c "${devnum%%:*}" "${devnum##*:}"
			made_nodes="$made_nodes $node"
			say "created $node (no udev/mdev/devtmpfs)"
		fi
		n=$((n + 1))
	done
fi

# meta.txt: what the CSV metadata cannot know (board, build, how it ran).
cpu_model() {
	m=$(sed -n 's/^model name[[:space:]]*: //p; s/^Hardware[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	if [ -z "$m" ]; then
		# arm64: implementer/part codes, e.g. 0x41/0xd05 = Cortex-A55.
		m=$(awk -F': ' '/^CPU implementer/ {i=$2} /^CPU part/ {print "implementer " i " part " $2}' /proc/cpuinfo | sort | uniq -c |
		    awk '{c=$1; $1=""; printf "%s%d x%s", (n++ ? ", " : ""), c, $0}')
	fi
	printf '%s\n' "${m:-unknown}"
}
governors() {
	for g in /sys/devices/system/cpu/cpufreq/policy*/scaling_governor; do
		[ -r "$g" ] || continue
		p=${g%/scaling_governor}
		printf '%s=%s ' "${p##*/}" "$(cat "$g")"
	done
}

gov=$(governors)
case $gov in
''|*performance*) ;;
*) warn "CPU frequency governor is not 'performance' ($gov); numbers will be noisier.
  For stable results: for g in /sys/devices/system/cpu/cpufreq/policy*/scaling_governor; do echo performance > \$g; done" ;;
esac

# Progress lines ("progress: 12/140 points, 35 s elapsed, ~6 min left") on
# stderr, which goes through tee to the screen and bench.log: kxfer-bench's
# own progress display is only for a terminal.  Older binaries lack it.
progress=
if "$bench" --help 2>&1 | grep -q -- '--progress'; then
	progress=--progress
fi
bench_cmd="$bench --device /dev/kxfer0 --methods all${progress:+ $progress} --output-dir $dir"
[ $# -eq 0 ] || bench_cmd="$bench_cmd $*"

if [ "$dry_run" = 1 ]; then
	say "would run: $bench_cmd"
	say "would write: $dir/bench.csv and $dir/bench.json (kxfer-bench), $dir/stream.csv and $dir/stream.json (kxfer-bench --stream), $dir/meta.txt, $dir/dmesg.txt"
	say "would run: rmmod kxfer"
	trap - EXIT INT TERM HUP
	[ "$problems" -eq 0 ] || { say "dry run: $problems problem(s) above would stop the real run"; exit 1; }
	exit 0
fi

{
	say "run_by: run-on-board.sh"
	say "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	say "hostname: $host"
	say "board: $board"
	say "kernel: $running"
	say "kernel_version: $(uname -v)"
	say "arch: $machine_arch"
	say "cpu: $(cpu_model)"
	say "cpus_online: $(grep -c '^processor' /proc/cpuinfo)"
	say "mem_total: $(sed -n 's/^MemTotal:[[:space:]]*//p' /proc/meminfo)"
	say "cpufreq_governors: ${gov:-none}"
	say "module: kxfer.ko, vermagic $magic"
	say "module_params: $params"
	say "bench_version: $bench_version"
	say "bench_command: $bench_cmd"
	say "bench_json: written by kxfer-bench with bench.csv (same run)"
	sed 's/^/build_/' "$here/BUILD-INFO.txt"
} >"$dir/meta.txt"

say "running: $bench_cmd"
# The output goes to the terminal and to bench.log.  The bench runs in the
# background and the shell waits for it, because a shell runs its traps
# only between commands: a `kill` of this script (or a hangup) must stop
# the bench and unload the module now, not after the whole sweep.  Its pid
# and exit status come back through files.
(
	# shellcheck disable=SC2086 # $progress: empty or one word
	"$bench" --device /dev/kxfer0 --methods all $progress \
		--output-dir "$dir" "$@" 2>&1 &
	echo $! >"$dir/.bench-pid"
	wait $!
	echo $? >"$dir/.bench-rc"
) | tee "$dir/bench.log" &
pipe_pid=$!
wait "$pipe_pid" || true
pipe_pid=
bench_rc=$(cat "$dir/.bench-rc" 2>/dev/null || echo 1)
rm -f "$dir/.bench-rc" "$dir/.bench-pid"

# The streaming sweep (docs/streaming.md): stream.csv and stream.json.
if [ "$bench_rc" = 0 ] && [ "$stream" = 1 ] &&
   ! "$bench" --stream --dev /dev/kxfer0 --max-rate-sizes 64K \
	--csv "$dir/stream.csv" --json "$dir/stream.json" 2>"$dir/stream.log"; then
	warn "kxfer-bench --stream failed; see $dir/stream.log"
fi

new_dmesg >"$dir/dmesg.txt" || true
kernel_warned=0
if grep -E -q 'WARNING|BUG|Oops|usercopy|Call Trace' "$dir/dmesg.txt"; then
	warn "the kernel logged a warning or oops during the run; see $dir/dmesg.txt and report it"
	kernel_warned=1
fi

[ "$bench_rc" = 0 ] || die "kxfer-bench failed (exit $bench_rc); see $dir/bench.log"
[ -s "$dir/bench.csv" ] && [ -s "$dir/bench.json" ] ||
	die "kxfer-bench wrote no $dir/bench.csv and $dir/bench.json"
if [ "$kernel_warned" = 1 ]; then
	status="finished with kernel warnings (see dmesg.txt)"
else
	status=complete
fi

# Numbers from a VM or emulator must not pass for the board's: like make
# bench, name the folder so when kxfer-bench detected one.
if [ "$named" = 0 ] && grep -q '^# emulated: yes' "$dir/bench.csv"; then
	case $name in
	*emulated*) ;;
	*)	new=$(slug "$board")-emulated-${name#"$(slug "$board")"-}
		if [ ! -e "$out/$new" ] && mv "$dir" "$out/$new"; then
			name=$new
			dir=$out/$new
		fi ;;
	esac
fi

# Where to copy from: an address the host can reach, if there is one.
addr=$(ip -4 addr show 2>/dev/null |
       awk '/inet / && /scope global/ {sub(/\/.*/, "", $2); print $2; exit}')
case ${addr:-$host} in
''|'(none)'|localhost*) addr='<board address>' ;;
*) addr=${addr:-$host} ;;
esac
user=${SUDO_USER:-}
[ -n "$user" ] || user=$(id -un 2>/dev/null) || user=root

# Unload now, so that the last lines on the screen are the commands to copy.
unload

say ""
say "Results: $dir"
say "  $(cd "$dir" && ls | tr '\n' ' ')"
say ""
say "On the host, in the kxfer source tree:"
say "  scp -r $user@$addr:$dir results/"
say "  make plot RESULTS=results/$name"
