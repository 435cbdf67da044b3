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
 * Usage (error handling omitted):
 *
 *	int fd = open("/dev/kxfer0", O_RDWR);
 *	struct kxfer_info info;
 *	struct kxfer_xfer x = { .offset = 0, .length = 4096 };
 *
 *	ioctl(fd, KXFER_IOC_INFO, &info);
 *	char *p = mmap(NULL, info.buf_size, PROT_READ | PROT_WRITE,
 *		       MAP_SHARED, fd, 0);
 *	memset(p, 0xab, x.length);		// fill through the mapping
 *	ioctl(fd, KXFER_IOC_SUBMIT, &x);	// hand the range over
 *	pread(fd, buf, x.length, 0);		// or copy it back out
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

#define KXFER_ABI_VERSION	4

/* Features reported in kxfer_info.features. */
#define KXFER_FEAT_ITER		(1U << 0) /* read_iter/write_iter: readv, splice */
#define KXFER_FEAT_MMAP		(1U << 1) /* MAP_SHARED page buffer */
#define KXFER_FEAT_CHECKSUM	(1U << 2) /* KXFER_WORK_CHECKSUM */
#define KXFER_FEAT_FILL		(1U << 3) /* KXFER_WORK_FILL */
#define KXFER_FEAT_RESIZE	(1U << 4) /* KXFER_IOC_RESIZE */
#define KXFER_FEAT_STATS	(1U << 5) /* KXFER_IOC_{GET,RESET}_STATS */
#define KXFER_FEAT_BACKINGS	(1U << 6) /* KXFER_BACKING_PAGES and _DMA */
/* Bit 7 (ABI 2-3: per-file cache attribute) is retired and never set. */
#define KXFER_FEAT_SYNC		(1U << 8) /* KXFER_IOC_SYNC_FOR_{CPU,DEVICE} */
#define KXFER_FEAT_REVOKE	(1U << 9) /* RESIZE revokes mappings (ABI 4) */
#define KXFER_FEAT_SHMEM	(1U << 10) /* KXFER_BACKING_SHMEM */
#define KXFER_FEAT_DMA_ATTRS	(1U << 11) /* KXFER_BACKING_DMA_WC, _NONCOHERENT */

/*
 * Memory behind the buffer (kxfer_info.backing, kxfer_resize.backing, the
 * module parameter backing=NAME).  Since ABI 4 the page attribute of a
 * mapping is a property of the backing, chosen by the allocator that owns
 * it, never set per mapping:
 *
 * value  name              memory                          user mapping
 * 0      vmalloc           vmalloc(), order-0 pages        cached
 * 1      pages             one physically contiguous       cached
 *                          block of the page allocator
 * 2      dma               dma_alloc_coherent()            dma_mmap_coherent()
 * 3      shmem             a shmem file (huge pages        cached, the shmem
 *                          where the kernel has THP)       file's own mapping
 * 4      dma-wc            dma_alloc_wc()                  dma_mmap_wc()
 * 5      dma-noncoherent   dma_alloc_pages()               dma_mmap_pages()
 *
 * vmalloc, pages, shmem: ordinary cacheable memory shared by the kernel and
 *     user space; no cache maintenance is ever needed.  vmalloc and pages
 *     mappings are faulted in page by page by the driver; get_user_pages()
 *     users (O_DIRECT, vmsplice, process_vm_readv) work on them.  pages is
 *     at most the page allocator's largest block (kxfer_info.max_size);
 *     larger sizes fail with EINVAL, a failed allocation with ENOMEM.
 * shmem: mmap() maps the buffer's shmem file itself (as i915 and ashmem
 *     do), so the core mm maps its transparent huge pages with one PMD
 *     entry where the mapping is aligned and covers them
 *     (kxfer_info.huge_size), and get_user_pages() users work through
 *     huge and base pages alike.  madvise(MADV_REMOVE) on such a mapping
 *     punches a hole in the file: the kernel keeps its pinned pages (what
 *     read(), write() and SUBMIT/FETCH use) while the mapping faults in
 *     new zero pages, so the two views differ for that range until the
 *     next RESIZE.  Do not punch holes in a kxfer mapping (there is no
 *     sanctioned way for a driver to forbid it on a shmem file).
 * dma, dma-wc, dma-noncoherent: the DMA API's allocators for the kxfer
 *     device, mapped to user space by the DMA API (PFN maps:
 *     get_user_pages() users cannot use them).  The attribute is what the
 *     DMA API gives such memory for the kxfer device on this machine, and
 *     dma and dma-wc are the same attribute on both supported
 *     architectures: on arm64 the kxfer device, which has no firmware
 *     description, is never cache-coherent (dma_default_coherent is
 *     false), and both are Normal non-cacheable (pgprot_dmacoherent() and
 *     pgprot_writecombine() are both MT_NORMAL_NC); on x86 the device is
 *     coherent and both are ordinary write-back memory.  They are kept
 *     apart because other architectures and IOMMU setups do give them
 *     different attributes (uncached vs write-combining).  dma-noncoherent
 *     is cacheable everywhere and needs explicit ownership transfers
 *     (KXFER_IOC_SYNC_*), which SUBMIT and FETCH do by themselves.  Large
 *     dma* sizes need CMA; without it they fail with ENOMEM.
 *     dma-noncoherent is refused (EINVAL from RESIZE, the module does not
 *     load with backing=dma-noncoherent) in a guest with encrypted memory
 *     (SEV, TDX: cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT)), where the
 *     DMA API may decrypt the memory but dma_mmap_pages() would map it
 *     encrypted; RESIZE's size limit for it is then 0.
 *
 * Nothing is ever mapped for streaming DMA, so no backing is bounced
 * through swiotlb.
 */
#define KXFER_BACKING_VMALLOC		0
#define KXFER_BACKING_PAGES		1
#define KXFER_BACKING_DMA		2
#define KXFER_BACKING_SHMEM		3
#define KXFER_BACKING_DMA_WC		4
#define KXFER_BACKING_DMA_NONCOHERENT	5

/**
 * struct kxfer_info - KXFER_IOC_INFO result
 * @buf_size:    current buffer size in bytes, a multiple of @page_size
 * @max_size:    largest size KXFER_IOC_RESIZE accepts for the current backing
 * @page_size:   the kernel's PAGE_SIZE; mmap offsets and lengths use it
 * @nr_mappings: live VMAs the driver tracks for this device (all
 *               processes; every backing but shmem, whose mappings are
 *               mappings of its shmem file and are not counted)
 * @abi_version: KXFER_ABI_VERSION of the running driver
 * @features:    KXFER_FEAT_* bits
 * @backing:     KXFER_BACKING_* of the current buffer
 * @huge_size:   bytes one PMD entry maps when a mapping of the buffer is
 *               aligned to them (KXFER_BACKING_SHMEM on a kernel whose
 *               CPU and page cache can map PMD-sized transparent huge
 *               pages; mmap() of at least that length returns an address
 *               aligned to it in 64-bit processes), 0 when only base
 *               pages can map it.  The administrator's override
 *               /sys/kernel/mm/transparent_hugepage/shmem_enabled = deny
 *               (or force) is not seen here: with deny, the buffer is
 *               mapped with base pages although @huge_size is not 0.
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
 * @__reserved: must be zero (ABI 2-3: a per-file cache attribute, now a
 *              property of the backing); GET_MODE returns zero
 *
 * SET_MODE with KXFER_WORK_FILL needs a file opened for writing (EBADF
 * otherwise): the fill pattern overwrites the buffer on read and FETCH.
 */
struct kxfer_mode {
	__u32 work;
	__u32 seed;
	__u32 last_csum;
	__u32 __reserved;
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
 *              1 .. the new backing's maximum (kxfer_info.max_size for
 *              the current one)
 * @backing:    KXFER_BACKING_*
 * @flags:      must be zero
 *
 * Bytes below min(old, new) size are kept, the rest is zero.  Since ABI 4
 * (KXFER_FEAT_REVOKE) RESIZE succeeds while the buffer is mapped (ABI 1-3:
 * EBUSY) and revokes the existing mappings, as ftruncate() of a shmem
 * file does:
 *  - vmalloc or pages to vmalloc or pages: later accesses fault in the new
 *    buffer's pages; pages past its end raise SIGBUS;
 *  - shmem to shmem: the same shmem file is truncated or extended, so the
 *    mappings see the new size; pages past its end raise SIGBUS; growing
 *    is subject to the caller's RLIMIT_FSIZE like ftruncate() (EFBIG and
 *    SIGXFSZ);
 *  - any other pair, and every dma* backing: the old mapping is revoked
 *    whole and every later access raises SIGBUS: map again.  (A dma*
 *    mapping whose mmap() ran concurrently with RESIZE may instead keep
 *    the old buffer's memory until munmap(): map after RESIZE returned.)
 *    A revoked dma* buffer stays allocated until the last VMA that
 *    mapped it is unmapped: munmap() revoked mappings to free it.
 * A store through a mapping during RESIZE is either in the copied bytes
 * or faults (and waits for RESIZE, or raises SIGBUS as above): none is
 * silently lost.  mmap() never waits for a RESIZE: while one copies, mmap()
 * of a dma* or shmem buffer fails with EAGAIN (try again), and a vmalloc
 * or pages mapping is set up at once (its faults wait).
 * No access, get_user_pages() pin or in-flight fault can reach freed
 * memory: pinned pages stay allocated until unpinned, but are no longer
 * the buffer's.  Needs a file opened for writing (EBADF).
 */
struct kxfer_resize {
	__u64 size;
	__u32 backing;
	__u32 flags;
};

/*
 * Ownership transfers of a KXFER_BACKING_DMA_NONCOHERENT buffer, in DMA API
 * terms: user space's and the kernel's views are the CPU; the device is the
 * DMA master a real driver would hand the buffer to.  On every other
 * backing both ioctls only check their arguments (nothing to maintain),
 * and on a cache-coherent system (x86) the DMA API makes them no-ops.
 *
 * KXFER_IOC_SYNC_FOR_DEVICE: dma_sync_single_for_device(direction): hand
 *     the range to the device (writes back the CPU's dirty lines).  Needs a
 *     file opened for writing (EBADF).
 * KXFER_IOC_SYNC_FOR_CPU:    dma_sync_single_for_device(DMA_TO_DEVICE),
 *     a write-back, then dma_sync_single_for_cpu(direction): the
 *     maintenance of one complete DMA transfer, taking the range back for
 *     the CPU.  The write-back is DMA_TO_DEVICE whatever the direction
 *     (on some architectures, arm32 for one, for_device(FROM_DEVICE)
 *     invalidates) and comes first, so no byte the CPU wrote before the
 *     call is discarded, on every architecture.  A direction other than
 *     TO_DEVICE may invalidate the CPU caches (arm64: dc ivac), which
 *     discards a store another user makes through its mapping between the
 *     write-back and the invalidate: it needs a file opened for writing
 *     (EBADF).  With a writable file, a store that another thread makes
 *     to the range while the call runs can be lost in the same way, as
 *     with a real device's DMA: do not write a range while it is synced.
 *
 * SUBMIT does SYNC_FOR_DEVICE(TO_DEVICE) before the kernel reads the range
 * and FETCH SYNC_FOR_CPU(FROM_DEVICE) after the kernel wrote it: the cost a
 * driver pays per transfer on such memory.  FETCH on a read-only file does
 * only the write-back half (it never invalidates).
 *
 * @offset, @length: the byte range; offset + length <= buffer size
 * @direction:       KXFER_SYNC_*: the DMA API's DMA_BIDIRECTIONAL,
 *                   DMA_TO_DEVICE, DMA_FROM_DEVICE
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
/*
 * KXFER_PATH_FAULT counts the page faults of vmalloc and pages mappings
 * (shmem and dma* faults are never counted); bytes = pages * page size.
 */
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

/*
 * Operations that change the buffer's contents, size, backing or the
 * device's counters, or may discard other users' stores, need a file
 * opened for writing and fail with EBADF otherwise, as write() does:
 * write(), SUBMIT, SET_MODE with KXFER_WORK_FILL, RESIZE, SYNC_FOR_DEVICE,
 * SYNC_FOR_CPU with a direction other than KXFER_SYNC_TO_DEVICE and
 * RESET_STATS.  INFO, read(), FETCH (without fill, and without the
 * invalidate of a dma-noncoherent buffer), GET_MODE, SET_MODE without
 * fill, GET_STATS, SYNC_FOR_CPU(KXFER_SYNC_TO_DEVICE) and mappings without
 * PROT_WRITE work on a read-only file.
 */

/*
 * Streaming (KXFER_FEAT_STREAM): a simulated device that produces blocks at
 * a fixed rate into the buffer (capture), or consumes blocks user space
 * queued (sink), as a camera, an ADC or an FPGA DMA engine would.  See
 * docs/streaming.md.
 *
 * One stream per device at a time; KXFER_IOC_STREAM_START while one runs
 * fails with EBUSY.  START and STOP need a file opened for writing (EBADF).
 * While a stream runs, RESIZE fails with EBUSY.  Closing the file that
 * started a stream stops it.  STOP wakes every waiter: read() then returns
 * 0 (end of stream), write(), DQBUF and QBUF fail with EPIPE.  Waits are
 * interrupted by signals (restarted per SA_RESTART).
 *
 * Block layout: block i of the stream starts at buffer offset
 * i * stride (stride from START, a multiple of 64 and of the DMA cache
 * alignment) and holds a struct kxfer_stream_hdr followed by
 * block_size - sizeof(hdr) payload bytes.  A captured payload is the fill
 * pattern above with seed = (__u32)seq, offsets counted from the first
 * payload byte; hdr.crc is the CRC32C (KXFER_WORK_CHECKSUM convention) of
 * the payload.  A sink block must carry the same header fields (seq
 * counting 0, 1, 2, ... from START; length; crc of its payload): the
 * device checks length and crc (crc_errors) and seq (seq_errors).  A
 * dma-noncoherent buffer gets the DMA API's ownership transfers per block.
 *
 * Interfaces (kxfer_stream_start.interface):
 * KXFER_STREAM_IF_RW:    read() returns whole blocks (header and payload;
 *     count must hold at least one block, EINVAL otherwise; as many ready
 *     blocks as fit, oldest first), blocking until one is ready; write()
 *     queues whole blocks (count a multiple of block_size).  O_NONBLOCK:
 *     EAGAIN.  poll(): EPOLLIN when a block is ready, EPOLLOUT when a sink
 *     block is free.  Several readers share the stream: each block goes
 *     to exactly one of them.  A file that did stream I/O reads 0 and
 *     writes EPIPE once no read/write stream runs; other files read and
 *     write the buffer as usual.  readv/writev/splice/io_uring: EINVAL
 *     while a read/write stream runs.
 * KXFER_STREAM_IF_QUEUE: user space maps the buffer; DQBUF waits for a
 *     block (capture: a filled one; sink: a free one to fill) and hands
 *     it over, QBUF gives it back (capture: done with it; sink: filled).
 *     poll() as for RW.  Several processes may DQBUF; a block is handed
 *     to exactly one and any of them may QBUF it.
 * KXFER_STREAM_IF_RING:  a control page (mmap() at KXFER_STREAM_RING_OFFSET,
 *     length one page, MAP_SHARED) holds free-running __u32 indices: the
 *     producer (capture: the device; sink: user space) writes slot
 *     head % depth, then publishes head + 1 with a release store; the
 *     consumer reads head with an acquire load, uses the slots up to it,
 *     then publishes tail with a release store.  In C11:
 *     __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) and
 *     __atomic_store_n(&ring->tail, t, __ATOMIC_RELEASE) (capture), the
 *     mirror image for sink.  The kernel side uses smp_load_acquire() and
 *     smp_store_release().  No syscall is needed while the ring is not
 *     empty (capture) or full (sink); poll() sleeps until it is not.
 *     One consumer (capture) or producer (sink) at a time.
 *
 * Overruns (capture): read/write and queue drop the oldest ready block
 * for the new one (as ALSA and IIO do); a full ring drops the new block
 * (user space owns every slot).  Underruns (sink): a tick with no block to
 * consume.  Both are counted, and a reader sees them as gaps in seq.
 */
#define KXFER_FEAT_STREAM	(1U << 12) /* KXFER_IOC_STREAM_* */

#define KXFER_STREAM_CAPTURE	0	/* the device produces */
#define KXFER_STREAM_SINK	1	/* user space produces */

#define KXFER_STREAM_IF_RW	0
#define KXFER_STREAM_IF_QUEUE	1
#define KXFER_STREAM_IF_RING	2

#define KXFER_STREAM_MIN_RATE	100		/* Hz */
#define KXFER_STREAM_MAX_RATE	100000
#define KXFER_STREAM_MIN_BLOCK	64		/* bytes, header included */
#define KXFER_STREAM_MAX_BLOCK	(4U << 20)
#define KXFER_STREAM_MIN_DEPTH	2
#define KXFER_STREAM_MAX_DEPTH	65536		/* and depth * stride <= size */

/* mmap() offset of the ring control page, past any buffer size. */
#define KXFER_STREAM_RING_OFFSET	(1ULL << 32)

/**
 * struct kxfer_stream_hdr - the start of every block
 * @seq:     block number since START (0, 1, ...); gaps are lost blocks
 * @time_ns: CLOCK_MONOTONIC (ktime_get_ns()) when the device finished the
 *           block (capture); ignored for sink
 * @length:  payload bytes after this header (block_size - 32)
 * @crc:     CRC32C of the payload
 * @__reserved: zero
 */
struct kxfer_stream_hdr {
	__u64 seq;
	__u64 time_ns;
	__u32 length;
	__u32 crc;
	__u64 __reserved;
};

/**
 * struct kxfer_stream_start - KXFER_IOC_STREAM_START
 * @direction:  KXFER_STREAM_CAPTURE or KXFER_STREAM_SINK
 * @interface:  KXFER_STREAM_IF_*
 * @block_size: bytes per block, header included (MIN_BLOCK..MAX_BLOCK)
 * @rate_hz:    blocks per second (MIN_RATE..MAX_RATE)
 * @depth:      blocks in the buffer (MIN_DEPTH..MAX_DEPTH, and
 *              depth * stride <= buffer size, EINVAL otherwise)
 * @flags:      must be zero
 * @stride:     out: bytes from one block to the next
 * @__reserved: must be zero
 */
struct kxfer_stream_start {
	__u32 direction;
	__u32 interface;
	__u32 block_size;
	__u32 rate_hz;
	__u32 depth;
	__u32 flags;
	__u32 stride;
	__u32 __reserved;
};

/**
 * struct kxfer_stream_stats - KXFER_IOC_STREAM_STATS: the running stream,
 * or the last one after STOP (all zero before the first START)
 * @produced:   blocks the producer completed (capture: the device wrote;
 *              sink: user space queued)
 * @delivered:  blocks the consumer took (capture: read, dequeued or
 *              released from the ring; sink: the device consumed)
 * @overruns:   capture blocks lost (see "Overruns" above)
 * @underruns:  sink ticks that found no block
 * @wakeups:    times the device woke a sleeping waiter
 * @crc_errors: sink blocks with a wrong length or CRC
 * @seq_errors: sink blocks whose seq was not the next one
 * @ticks:      device periods elapsed
 * @bytes:      payload bytes of the delivered blocks
 * @running:    1 while the stream runs
 * @direction, @interface, @block_size, @rate_hz, @depth, @stride: as START
 */
struct kxfer_stream_stats {
	__u64 produced;
	__u64 delivered;
	__u64 overruns;
	__u64 underruns;
	__u64 wakeups;
	__u64 crc_errors;
	__u64 seq_errors;
	__u64 ticks;
	__u64 bytes;
	__u32 running;
	__u32 direction;
	__u32 interface;
	__u32 block_size;
	__u32 rate_hz;
	__u32 depth;
	__u32 stride;
	__u32 __reserved;
};

/**
 * struct kxfer_stream_buf - KXFER_IOC_STREAM_DQBUF / _QBUF (queue interface)
 * @index:  block index (DQBUF: out; QBUF: in, a block this device handed
 *          out with DQBUF and not yet given back, EINVAL otherwise)
 * @flags:  must be zero
 * @offset: DQBUF out: buffer offset of the block (index * stride)
 * @hdr:    DQBUF out: the block's header (capture); zero for sink
 */
struct kxfer_stream_buf {
	__u32 index;
	__u32 flags;
	__u64 offset;
	struct kxfer_stream_hdr hdr;
};

/**
 * struct kxfer_stream_ring - the ring control page (KXFER_STREAM_IF_RING)
 * @head:  producer index (capture: written by the kernel)
 * @tail:  consumer index (capture: written by user space)
 * @depth, @stride, @block_size, @direction: read-only copies of START's
 * Each index has a 128-byte line of its own so that the two sides do not
 * share a cache line.  Indices count blocks and wrap at 2^32.
 */
struct kxfer_stream_ring {
	__u32 head;
	__u32 __pad0[31];
	__u32 tail;
	__u32 __pad1[31];
	__u32 depth;
	__u32 stride;
	__u32 block_size;
	__u32 direction;
};

#define KXFER_IOC_STREAM_START	_IOWR(KXFER_IOC_MAGIC, 0x0a, struct kxfer_stream_start)
#define KXFER_IOC_STREAM_STOP	_IO(KXFER_IOC_MAGIC, 0x0b)
#define KXFER_IOC_STREAM_STATS	_IOR(KXFER_IOC_MAGIC, 0x0c, struct kxfer_stream_stats)
#define KXFER_IOC_STREAM_DQBUF	_IOWR(KXFER_IOC_MAGIC, 0x0d, struct kxfer_stream_buf)
#define KXFER_IOC_STREAM_QBUF	_IOW(KXFER_IOC_MAGIC, 0x0e, struct kxfer_stream_buf)

#endif /* _UAPI_LINUX_KXFER_H */
