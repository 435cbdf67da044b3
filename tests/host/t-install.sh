# shellcheck shell=bash disable=SC2154,SC2016 # tmp, top: set by run.sh; bash -c code takes $1...
# Sourced by tests/host/run.sh.  make install / make uninstall into a
# DESTDIR staging folder, from a scratch copy of the tree (the source
# tree stays unbuilt), against the cached Debian 6.1-amd64 headers.

kd=$(kdir_of 6.1-amd64)
if [ -z "$kd" ]; then
	not_ok "make install: cached 6.1-amd64 headers (scripts/fetch-kernel.sh 6.1-amd64)"
else
	krel=$("$top/scripts/kernel-release.sh" "$kd")
	src=$tmp/install-src
	stage=$tmp/stage
	mkdir -p "$src"
	tar -C "$top" --exclude=./.git --exclude=./.cache --exclude=./dist \
		--exclude=./results --exclude='*.o' --exclude='*.ko' \
		--exclude='.*.cmd' --exclude='./bench/.obj-*' \
		--exclude=./bench/kxfer-bench --exclude=./bench/kxfer-mmapdump \
		-cf - . | tar -C "$src" -xf -
	mods=$stage/lib/modules/$krel
	if make -C "$src" -j2 KDIR="$kd" DESTDIR="$stage" PREFIX=/opt/kx install \
		>"$tmp/install.log" 2>&1; then
		ok "make install DESTDIR=... PREFIX=/opt/kx KDIR=<6.1-amd64> exits 0"
	else
		not_ok "make install DESTDIR=... PREFIX=/opt/kx KDIR=<6.1-amd64> exits 0"
		tail -n 20 "$tmp/install.log" | diag
	fi
	check "module installed by modules_install in lib/modules/$krel/extra, and depmod knows it" \
		bash -c 'ls "$1"/extra/kxfer.ko* && grep -q "^extra/kxfer.ko[.a-z]*:" "$1/modules.dep"' _ "$mods"
	check "kxfer-bench and kxfer-mmapdump installed executable in PREFIX/bin" \
		test -x "$stage/opt/kx/bin/kxfer-bench" -a -x "$stage/opt/kx/bin/kxfer-mmapdump"
	check "udev rule shipped as scripts/udev/60-kxfer.rules, installed to etc/udev/rules.d" \
		cmp "$top/scripts/udev/60-kxfer.rules" "$stage/etc/udev/rules.d/60-kxfer.rules"
	check "the udev rule gives group kxfer the devices (mode 0660)" \
		grep -qx 'SUBSYSTEM=="kxfer", GROUP="kxfer", MODE="0660"' "$top/scripts/udev/60-kxfer.rules"
	if make -C "$src" KDIR="$kd" DESTDIR="$stage" PREFIX=/opt/kx uninstall \
		>"$tmp/uninstall.log" 2>&1; then
		ok "make uninstall (same DESTDIR, PREFIX, KDIR) exits 0"
	else
		not_ok "make uninstall (same DESTDIR, PREFIX, KDIR) exits 0"
		tail -n 20 "$tmp/uninstall.log" | diag
	fi
	left=$(cd "$stage" && find . -name 'kxfer*' -o -name '60-kxfer.rules' | sort)
	check "make uninstall removed the module, both tools and the udev rule" test -z "$left"
	check "depmod no longer lists kxfer after uninstall" \
		bash -c '! grep -q kxfer "$1/modules.dep"' _ "$mods"
	expect_fail "make install with an unprepared KDIR: exit 2 before anything is installed" 2 \
		"does not exist" make -s -C "$src" KDIR="$tmp/nokdir" DESTDIR="$tmp/stage2" install
fi
