#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload checks of the swiotlb=force pass (busybox sh; scripts/guest/
# test-suite.sh runs it after the functional tests when the kernel command
# line has swiotlb=force).  One TAP stream with one plan:
#  - the pass really bounced: swiotlb=force is on the command line and the
#    kernel set up its bounce buffer ("software IO TLB" in the log), or
#    this pass would prove nothing;
#  - no "swiotlb buffer is full" and no other swiotlb error in the log
#    after the functional tests: kxfer maps nothing for streaming DMA
#    (ABI 4), so nothing of it may bounce, whatever size or backing.
#    ABI 3 filled the log with the first one on a 1 MiB RESIZE.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/guest/payload-lib.sh
. "$here/payload-lib.sh"

log=$(mktemp "${TMPDIR:-/tmp}/kxfer-dmesg.XXXXXX")
trap 'rm -f "$log"' EXIT
dmesg >"$log" 2>&1

echo "TAP version 13"
echo "1..3"
echo "# kernel $(uname -r) $(uname -m): $(cat /proc/cmdline)"

if ! grep -qw 'swiotlb=force' /proc/cmdline; then
	not_ok_because swiotlb_pass_bounces_every_dma_mapping \
		"swiotlb=force is not on the kernel command line: $(cat /proc/cmdline)"
elif ! grep -q 'software IO TLB' "$log"; then
	not_ok_because swiotlb_pass_bounces_every_dma_mapping \
		"the kernel log has no 'software IO TLB' line: no bounce buffer was set up"
else
	ok swiotlb_pass_bounces_every_dma_mapping
	grep -m1 'software IO TLB' "$log" | sed 's/^/# /'
fi

if grep -qi 'swiotlb buffer is full' "$log"; then
	not_ok_because no_swiotlb_buffer_full_in_kernel_log \
		"$(grep -ci 'swiotlb buffer is full' "$log") line(s), the first:" \
		"$(grep -i -m1 'swiotlb buffer is full' "$log")"
else
	ok no_swiotlb_buffer_full_in_kernel_log
fi

# Other swiotlb complaints: bounce failures, overflows, mapping errors.
bad='swiotlb.*(fail|error|overflow|cannot|unable)|Out of SW-IOMMU space|DMA: .*bounce'
if grep -Eqi "$bad" "$log"; then
	not_ok_because no_swiotlb_errors_in_kernel_log \
		"$(grep -Eci "$bad" "$log") line(s), the first:" \
		"$(grep -Ei -m1 "$bad" "$log")"
else
	ok no_swiotlb_errors_in_kernel_log
fi

finish_tap
