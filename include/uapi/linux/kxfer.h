/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kxfer: user-space <-> kernel transfer benchmark device.
 *
 * Each /dev/kxferN owns one zero-filled buffer that behaves like a
 * fixed-size file.  Data moves either through the copy path (read/write,
 * readv/writev, splice, which use copy_{to,from}_user) or through the
 * zero-copy path: user space mmap()s the buffer with MAP_SHARED and hands
 * ranges to the kernel with KXFER_IOC_SUBMIT / takes ranges from it with
 * KXFER_IOC_FETCH.
 *
 * ABI rules (Documentation/driver-api/ioctl.rst): fixed-size types only,
 * explicit padding, every struct a multiple of 8 bytes so that 32-bit and
 * 64-bit user space see the same layout, and every reserved field or flag
 * bit must be zero or the ioctl fails with EINVAL, so that it can be given
 * a meaning later without breaking old binaries.
 */
#ifndef _UAPI_LINUX_KXFER_H
#define _UAPI_LINUX_KXFER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KXFER_ABI_VERSION	3

/* Features reported in kxfer_info.features. */
#define KXFER_FEAT_ITER		(1U << 0) /* read_iter/write_iter: readv, splice */
#define KXFER_FEAT_MMAP		(1U << 1) /* MAP_SHARED page buffer */
#define KXFER_FEAT_CHECKSUM	(1U << 2) /* KXFER_WORK_CHECKSUM */
#define KXFER_FEAT_FILL		(1U << 3) /* KXFER_WORK_FILL */
#define KXFER_FEAT_RESIZE	(1U << 4) /* KXFER_IOC_RESIZE */
#define KXFER_FEAT_STATS	(1U << 5) /* KXFER_IOC_{GET,RESET}_STATS */
#define KXFER_FEAT_BACKINGS	(1U << 6) /* KXFER_BACKING_PAGES and _DMA */
#define KXFER_FEAT_CACHE	(1U << 7) /* kxfer_mode.cache */
#define KXFER_FEAT_SYNC		(1U << 8) /* KXFER_IOC_SYNC_FOR_{CPU,DEVICE} */

/*
 * Memory behind the buffer (kxfer_info.backing, kxfer_resize.backing, the
 * module parameter backing=vmalloc|pages|dma).
 *
 * KXFER_BACKING_VMALLOC: order-0 pages, virtually contiguous (default).
 * KXFER_BACKING_PAGES:   one physically contiguous allocation from the
 *                        page allocator, so at most its largest block
 *                        (kxfer_info.max_size says how much); larger sizes
 *                        fail with EINVAL, a failed allocation with ENOMEM.
 *                        A buffer of exactly the PMD size (2 MiB with 4 KiB
 *                        pages, 32 MiB with 16 KiB, 512 MiB with 64 KiB)
 *                        on a kernel with transparent huge pages is one
 *                        huge page: kxfer_info.huge_size says so, mmap()
 *                        of at least that length returns an address
 *                        aligned to it (64-bit processes), and the kernel
 *                        maps it with one PMD entry (one fault, one TLB
 *                        entry) when the mapping covers it whole at an
 *                        aligned address.  The mapping stays page-backed:
 *                        get_user_pages() users work on it as on base
 *                        pages.
 * KXFER_BACKING_DMA:     dma_alloc_coherent() for the kxfer device (from
 *                        CMA when the kernel has a CMA area and the size
 *                        needs it; without one, large sizes fail with
 *                        ENOMEM).  Mapped the way the DMA API maps coherent
 *                        memory, as a PFN map: get_user_pages() users
 *                        (O_DIRECT, vmsplice) cannot use that mapping.
 */
#define KXFER_BACKING_VMALLOC	0
#define KXFER_BACKING_PAGES	1
#define KXFER_BACKING_DMA	2

/*
 * Page attributes of the mappings made through one open file
 * (kxfer_mode.cache; applies to mmap() calls after KXFER_IOC_SET_MODE).
 *
 * KXFER_CACHE_CACHED:   normal cacheable memory (default).
 * KXFER_CACHE_WC:       write-combining: pgprot_writecombine() (arm64
 *                       Normal non-cacheable; x86 PAT WC).
 * KXFER_CACHE_UNCACHED: pgprot_noncached() (arm64 Device-nGnRnE, where
 *                       unaligned accesses and DC ZVA fault: use aligned
 *                       word accesses; x86 PAT UC-).
 *
 * The kernel keeps its cacheable view of vmalloc and pages buffers, so
 * with WC or UNCACHED mappings the two views need cache maintenance: see
 * KXFER_IOC_SYNC_FOR_*.  A dma buffer has the attribute the DMA API gives
 * coherent memory (x86: write-back; non-coherent arm64: Normal
 * non-cacheable): mmap() of it with WC or UNCACHED fails with EINVAL.
 */
#define KXFER_CACHE_CACHED	0
#define KXFER_CACHE_WC		1
#define KXFER_CACHE_UNCACHED	2

/**
 * struct kxfer_info - KXFER_IOC_INFO result
 * @buf_size:    current buffer size in bytes, a multiple of @page_size
 * @max_size:    largest size KXFER_IOC_RESIZE accepts for the current backing
 * @page_size:   the kernel's PAGE_SIZE; mmap offsets and lengths use it
 * @nr_mappings: live VMAs mapping this device (all processes)
 * @abi_version: KXFER_ABI_VERSION of the running driver
 * @features:    KXFER_FEAT_* bits
 * @backing:     KXFER_BACKING_* of the current buffer
 * @huge_size:   bytes one PMD entry maps when a mapping of the buffer is
 *               aligned to them (see KXFER_BACKING_PAGES), 0 when only
 *               base pages can map it (before ABI 3: __reserved, 0)
 */
struct kxfer_info {
	__u64 buf_size;
	__u64 max_size;
	__u32 page_size;
	__u32 nr_mappings;
	__u32 abi_version;
	__u32 features;
	__u32 backing;
	__u32 huge_size;
};

/*
 * Kernel-side work done on every transfer, per open file, identical for the
 * copy path (read/write) and the zero-copy path (SUBMIT/FETCH), so that the
 * two paths are compared doing the same job:
 *
 * KXFER_WORK_NONE:     move the bytes, nothing else.
 * KXFER_WORK_CHECKSUM: the kernel computes the CRC32C (Castagnoli,
 *                      initial value ~0, no final inversion, the kernel's
 *                      crc32c() convention) of every byte it received
 *                      (write, SUBMIT) or produced (read, FETCH).
 * KXFER_WORK_FILL:     before user space sees a range (read, FETCH) the
 *                      kernel writes the fill pattern into it; on the
 *                      receiving side (write, SUBMIT) this is the same as
 *                      KXFER_WORK_NONE.
 *
 * Fill pattern: byte at buffer offset o is byte (o % 8) of the
 * little-endian 64-bit word W(o - o % 8), where for an 8-aligned offset a
 *   W(a) = seed * 0x0000000100000001 + (a / 8) * 0x9e3779b97f4a7c15
 * computed modulo 2^64.  It depends on the buffer offset, not on how the
 * range was split into calls, so any reader can verify any window.
 */
#define KXFER_WORK_NONE		0
#define KXFER_WORK_CHECKSUM	1
#define KXFER_WORK_FILL		2

#define KXFER_PATTERN_SEED_MUL	0x0000000100000001ULL
#define KXFER_PATTERN_STEP	0x9e3779b97f4a7c15ULL

/**
 * struct kxfer_mode - per-open-file work mode
 * @work:       KXFER_WORK_*
 * @seed:       seed of the fill pattern (KXFER_WORK_FILL)
 * @last_csum:  KXFER_IOC_GET_MODE only: CRC32C computed by the last
 *              read/write/readv/writev on this file in KXFER_WORK_CHECKSUM
 *              mode (0 before any); ignored by KXFER_IOC_SET_MODE
 * @cache:      KXFER_CACHE_* of later mmap() calls on this file (ABI 1
 *              called it __reserved and required 0, i.e. CACHED)
 */
struct kxfer_mode {
	__u32 work;
	__u32 seed;
	__u32 last_csum;
	__u32 cache;
};

/**
 * struct kxfer_xfer - a range of the shared buffer, for SUBMIT and FETCH
 * @offset: byte offset in the buffer
 * @length: byte count; offset + length must not exceed the buffer size;
 *          zero is a valid no-op
 * @flags:  must be zero
 * @csum:   out: CRC32C of the range in KXFER_WORK_CHECKSUM mode, else 0
 *
 * Alignment is not required: the buffer is byte addressable through the
 * mapping; only mmap() itself works in pages.
 */
struct kxfer_xfer {
	__u64 offset;
	__u64 length;
	__u32 flags;
	__u32 csum;
};

/**
 * struct kxfer_resize - replace the buffer, like ftruncate()
 * @size:       new size in bytes, rounded up to the page size;
 *              1 .. kxfer_info.max_size
 * @backing:    KXFER_BACKING_*
 * @flags:      must be zero
 *
 * Bytes below min(old, new) size are kept, the rest is zero.  Fails with
 * EBUSY while any mapping of the device exists.
 */
struct kxfer_resize {
	__u64 size;
	__u32 backing;
	__u32 flags;
};

/*
 * Cache maintenance between the kernel's cacheable view of the buffer and
 * user space's mapping, in DMA API terms from the driver's side: the
 * kernel is "the CPU"; a WC or UNCACHED user mapping is "the device" (it
 * reaches memory past the kernel's caches, as a DMA master does).
 *
 * KXFER_IOC_SYNC_FOR_CPU:    dma_sync_*_for_cpu(): before the kernel
 *     reads what user space wrote through its mapping (FROM_DEVICE
 *     discards the kernel's stale cache lines).
 * KXFER_IOC_SYNC_FOR_DEVICE: dma_sync_*_for_device(): after the kernel
 *     wrote, before user space reads through its mapping (TO_DEVICE
 *     writes the kernel's dirty cache lines back).
 *
 * SUBMIT does SYNC_FOR_CPU(FROM_DEVICE) and FETCH SYNC_FOR_DEVICE
 * (TO_DEVICE) by themselves on files whose cache mode is WC or UNCACHED;
 * the ioctls exist to measure that maintenance on its own, or to use it
 * with read()/write().  They are no-ops where the DMA API sees the kxfer
 * device as cache-coherent (x86; arm64 systems with coherent
 * interconnects) and for the dma backing.
 *
 * @offset, @length: the byte range; offset + length <= buffer size
 * @direction:       KXFER_SYNC_*: the DMA API's DMA_BIDIRECTIONAL,
 *                   DMA_TO_DEVICE (kernel to user), DMA_FROM_DEVICE
 *                   (user to kernel)
 * @flags:           must be zero
 */
#define KXFER_SYNC_BIDIRECTIONAL	0
#define KXFER_SYNC_TO_DEVICE		1
#define KXFER_SYNC_FROM_DEVICE		2

struct kxfer_sync {
	__u64 offset;
	__u64 length;
	__u32 direction;
	__u32 flags;
};

/* Indexes into kxfer_stats.bytes[] and .calls[]. */
#define KXFER_PATH_READ		0 /* read(), pread() */
#define KXFER_PATH_WRITE	1 /* write(), pwrite() */
#define KXFER_PATH_READ_ITER	2 /* readv(), preadv(), splice, io_uring */
#define KXFER_PATH_WRITE_ITER	3 /* writev(), pwritev(), splice */
#define KXFER_PATH_SUBMIT	4 /* KXFER_IOC_SUBMIT */
#define KXFER_PATH_FETCH	5 /* KXFER_IOC_FETCH */
#define KXFER_PATH_MMAP		6 /* mmap() calls; bytes = length mapped */
#define KXFER_PATH_FAULT	7 /* page faults; bytes = pages * page size */
#define KXFER_NR_PATHS		8
#define KXFER_STATS_SLOTS	16 /* slots past KXFER_NR_PATHS read as 0 */

/**
 * struct kxfer_stats - per-device counters since load or last reset
 * @bytes: bytes moved per KXFER_PATH_*
 * @calls: calls that moved at least zero bytes without error, per path
 */
struct kxfer_stats {
	__u64 bytes[KXFER_STATS_SLOTS];
	__u64 calls[KXFER_STATS_SLOTS];
};

#define KXFER_IOC_MAGIC		0xB8

#define KXFER_IOC_INFO		_IOR(KXFER_IOC_MAGIC, 0x00, struct kxfer_info)
#define KXFER_IOC_SUBMIT	_IOWR(KXFER_IOC_MAGIC, 0x01, struct kxfer_xfer)
#define KXFER_IOC_FETCH		_IOWR(KXFER_IOC_MAGIC, 0x02, struct kxfer_xfer)
#define KXFER_IOC_SET_MODE	_IOW(KXFER_IOC_MAGIC, 0x03, struct kxfer_mode)
#define KXFER_IOC_GET_MODE	_IOR(KXFER_IOC_MAGIC, 0x04, struct kxfer_mode)
#define KXFER_IOC_RESIZE	_IOW(KXFER_IOC_MAGIC, 0x05, struct kxfer_resize)
#define KXFER_IOC_GET_STATS	_IOR(KXFER_IOC_MAGIC, 0x06, struct kxfer_stats)
#define KXFER_IOC_RESET_STATS	_IO(KXFER_IOC_MAGIC, 0x07)
#define KXFER_IOC_SYNC_FOR_CPU	_IOW(KXFER_IOC_MAGIC, 0x08, struct kxfer_sync)
#define KXFER_IOC_SYNC_FOR_DEVICE _IOW(KXFER_IOC_MAGIC, 0x09, struct kxfer_sync)

#endif /* _UAPI_LINUX_KXFER_H */
