# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall, included from the top-level Makefile
# (after `module` and `tools`, with the same KDIR/ARCH/CROSS_COMPILE/LLVM):
#
#   kxfer.ko         kbuild's modules_install into
#                    $(DESTDIR)/lib/modules/<KDIR's release>/extra/, then depmod
#   kxfer-bench,     $(DESTDIR)$(PREFIX)/bin/
#   kxfer-mmapdump
#   60-kxfer.rules   $(DESTDIR)$(UDEVRULESDIR)/ (group "kxfer" may use
#                    /dev/kxfer*; the group is not created)
#
# DESTDIR stages into a folder (packaging, tests).  The alternative for
# distribution kernels that change under you is DKMS (dkms.conf).

KXFER_INST_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

PREFIX ?= /usr/local
DESTDIR ?=
UDEVRULESDIR ?= /etc/udev/rules.d
DEPMOD ?= depmod

KXFER_UDEV_RULE := 60-kxfer.rules
KXFER_BINS := kxfer-bench kxfer-mmapdump
# Empty when KDIR is not prepared: the recipes then stop with the
# reason from check-kdir.sh.
KXFER_KREL = $(shell $(KXFER_INST_TOP)/scripts/kernel-release.sh '$(KDIR)' 2>/dev/null)
KXFER_MODDIR = $(DESTDIR)/lib/modules/$(KXFER_KREL)

.PHONY: install uninstall

# depmod is run here because kbuild skips it when KDIR has no System.map
# (every headers package).

install: module tools ## module (modules_install + depmod), tools in PREFIX/bin, udev rule (DESTDIR, PREFIX)
	@[ -n "$(KXFER_KREL)" ] || { echo "install: cannot tell the kernel release of KDIR=$(KDIR)" >&2; exit 2; }
	$(MAKE) $(KBUILD_ARGS) $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) \
		INSTALL_MOD_DIR=extra modules_install
	$(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) $(KXFER_KREL)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UDEVRULESDIR)
	install -m 0755 $(addprefix $(KXFER_INST_TOP)/bench/,$(KXFER_BINS)) \
		$(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(KXFER_INST_TOP)/scripts/udev/$(KXFER_UDEV_RULE) \
		$(DESTDIR)$(UDEVRULESDIR)/
	@if [ -z "$(DESTDIR)" ] && command -v udevadm >/dev/null 2>&1; then \
		udevadm control --reload 2>/dev/null || true; fi
	@echo "installed kxfer for $(KXFER_KREL): modprobe kxfer buf_size=67108864; then $(PREFIX)/bin/kxfer-bench"
	@echo "/dev/kxfer* access without root: groupadd --system kxfer; usermod -aG kxfer <user> (see docs/board-workflow.md)"

uninstall: ## remove what make install put in place (same DESTDIR, PREFIX, KDIR)
	@[ -n "$(KXFER_KREL)" ] || { echo "uninstall: cannot tell the kernel release of KDIR=$(KDIR)" >&2; exit 2; }
	rm -f $(KXFER_MODDIR)/extra/kxfer.ko $(KXFER_MODDIR)/extra/kxfer.ko.xz \
		$(KXFER_MODDIR)/extra/kxfer.ko.zst $(KXFER_MODDIR)/extra/kxfer.ko.gz
	if [ -d $(KXFER_MODDIR) ]; then $(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) $(KXFER_KREL); fi
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(KXFER_BINS)) \
		$(DESTDIR)$(UDEVRULESDIR)/$(KXFER_UDEV_RULE)
