// SPDX-License-Identifier: GPL-2.0
/*
 * Unknown ioctl numbers must fail with ENOTTY, whatever their type, number,
 * size or direction bits, and whatever the argument points at.  Commands
 * are built to be near misses of the real ones (same magic with other
 * numbers, a real number with another direction or size, another magic)
 * as well as random 32-bit values; the upper half of the 64-bit request
 * is junk too, which the kernel drops (the syscall takes an unsigned int).
 *
 * Commands that the VFS answers itself before the driver sees them
 * (FIOCLEX, FIGETBSZ, FICLONE, ...; fs/ioctl.c do_vfs_ioctl) are not the
 * driver's to reject and are left out.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 31
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fuzz_pick.h"

static const uint32_t known_cmds[] = {
	KXFER_IOC_INFO, KXFER_IOC_SUBMIT, KXFER_IOC_FETCH,
	KXFER_IOC_SET_MODE, KXFER_IOC_GET_MODE, KXFER_IOC_RESIZE,
	KXFER_IOC_GET_STATS, KXFER_IOC_RESET_STATS,
	KXFER_IOC_SYNC_FOR_CPU, KXFER_IOC_SYNC_FOR_DEVICE,
	KXFER_IOC_STREAM_START, KXFER_IOC_STREAM_STOP, KXFER_IOC_STREAM_STATS,
	KXFER_IOC_STREAM_DQBUF, KXFER_IOC_STREAM_QBUF,
};
#define NR_KNOWN (sizeof(known_cmds) / sizeof(known_cmds[0]))

/*
 * fs/ioctl.c do_vfs_ioctl() (6.1 and 6.12), written out because the
 * uapi headers that define them clash with libc's: FIOCLEX, FIONCLEX,
 * FIONBIO, FIOASYNC, FIOQSIZE, FIFREEZE, FITHAW, FS_IOC_FIEMAP, FIGETBSZ,
 * FICLONE, FICLONERANGE, FIDEDUPERANGE, FS_IOC_GETFLAGS, FS_IOC_SETFLAGS,
 * FS_IOC_FSGETXATTR, FS_IOC_FSSETXATTR, FS_IOC_GETFSUUID,
 * FS_IOC_GETFSSYSFSPATH.  (FIONREAD is passed on to the driver for
 * character devices, so it stays in.)
 */
static const uint32_t vfs_cmds[] = {
	0x5451, 0x5450, 0x5421, 0x5452, 0x5460, 0xc0045877, 0xc0045878,
	0xc020660b, 0x00000002, 0x40049409, 0x4020940d, 0xc0189436,
	0x80086601, 0x40086602, 0x801c581f, 0x401c5820, 0x80111500,
	0x80811501,
};

static int excluded(uint32_t cmd)
{
	for (size_t i = 0; i < NR_KNOWN; i++)
		if (cmd == known_cmds[i])
			return 1;
	for (size_t i = 0; i < sizeof(vfs_cmds) / sizeof(vfs_cmds[0]); i++)
		if (cmd == vfs_cmds[i])
			return 1;
	return 0;
}

/* The _IOC fields of asm-generic/ioctl.h (x86 and arm64 use them). */
static uint32_t ioc(uint32_t dir, uint32_t type, uint32_t nr, uint32_t size)
{
	return (dir & 3) << 30 | (size & 0x3fff) << 16 | (type & 0xff) << 8 |
	       (nr & 0xff);
}

enum { K_MAGIC_OTHER_NR, K_WRONG_DIR, K_WRONG_SIZE, K_OTHER_MAGIC, K_RANDOM,
       NR_KINDS };

static const char *const kind_names[NR_KINDS] = {
	"kxfer magic, unused number", "real number, other direction",
	"real number, other size", "other magic, real number",
	"random 32-bit",
};

static uint32_t make_cmd(struct hx_rng *r, int kind)
{
	uint32_t k = known_cmds[hx_below(r, NR_KNOWN)];
	uint32_t dir = k >> 30, size = (k >> 16) & 0x3fff, nr = k & 0xff;
	uint32_t type;

	switch (kind) {
	case K_MAGIC_OTHER_NR:
		return ioc(hx_below(r, 4), KXFER_IOC_MAGIC,
			   hx_between(r, NR_KNOWN, 0xff),
			   hx_chance(r, 50) ? size : hx_below(r, 0x4000));
	case K_WRONG_DIR:
		return ioc((dir + 1 + hx_below(r, 3)) & 3, KXFER_IOC_MAGIC,
			   nr, size);
	case K_WRONG_SIZE:
		return ioc(dir, KXFER_IOC_MAGIC, nr,
			   (size + 1 + hx_below(r, 0x3ffe)) & 0x3fff);
	case K_OTHER_MAGIC:
		do
			type = hx_below(r, 256);
		while (type == KXFER_IOC_MAGIC);
		return ioc(dir, type, nr, size);
	default:
		return (uint32_t)hx_next(r);
	}
}

TEST(fuzz_unknown_ioctl_cmds_fail_enotty)
{
	unsigned long cases = hx_cases(), per_kind[NR_KINDS] = { 0 };
	unsigned long bad = 0, skipped = 0;
	uint64_t seed = hx_seed();
	struct hx_arena a;
	struct hx_rng r;
	int fd = kx_open();

	hx_rng_init(&r, seed, 0xc3d5);
	hx_arena_init(&a, 4096);
	kxt_diag("seed: %" PRIu64, seed);

	for (unsigned long i = 0; i < cases; i++) {
		int kind = hx_below(&r, NR_KINDS);
		uint32_t cmd = make_cmd(&r, kind);
		/* Junk above bit 31 on half the cases: the syscall drops it. */
		uint64_t req = cmd | (hx_chance(&r, 50) ?
				      hx_next(&r) << 32 : 0);
		struct hx_ptr p = hx_arena_ptr(&a, pick_ptr_kind(&r), 256, &r);
		long ret;
		int e;

		if (excluded(cmd)) {
			skipped++;
			continue;
		}
		per_kind[kind]++;
		/* A buffer to catch a command that wrongly writes. */
		memset(a.rw, 0xa5, a.rw_len);
		errno = 0;
		ret = syscall(SYS_ioctl, fd, (unsigned long)req, p.p);
		e = errno;
		for (size_t b = 0; b < a.rw_len; b++) {
			if ((unsigned char)a.rw[b] == 0xa5)
				continue;
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "case %lu: ioctl(%#010x) wrote into its argument (byte %zu of the buffer is 0x%02x)",
				    i, cmd, b, (unsigned char)a.rw[b]);
			break;
		}
		if (ret == -1 && e == ENOTTY)
			continue;
		if (++bad <= 10)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "case %lu: ioctl(%#" PRIx64 " = cmd %#010x: dir %u type %#x nr %#x size %u; %s) with a %s argument: expected ENOTTY, got %s",
				    i, req, cmd, cmd >> 30, (cmd >> 8) & 0xff,
				    cmd & 0xff, (cmd >> 16) & 0x3fff,
				    kind_names[kind], hx_ptr_kind_name(p.kind),
				    ret == -1 ? hx_errname(e) : "success");
	}
	kxt_diag("cases: %lu (%lu kxfer magic/unused number, %lu other direction, %lu other size, %lu other magic, %lu random; %lu VFS or kxfer commands drawn and skipped)",
		 cases - skipped, per_kind[K_MAGIC_OTHER_NR],
		 per_kind[K_WRONG_DIR], per_kind[K_WRONG_SIZE],
		 per_kind[K_OTHER_MAGIC], per_kind[K_RANDOM], skipped);
	if (bad)
		kxt_diag("%lu command(s) did not fail with ENOTTY; replay with --seed %" PRIu64 " --cases %lu",
			 bad, seed, cases);
	hx_arena_free(&a);
}
