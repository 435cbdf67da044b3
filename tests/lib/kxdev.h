/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for testing /dev/kxferN: opening, ioctls, data patterns, sysfs,
 * module loading.  Helpers that can fail end the test with a message
 * (they use the ASSERT machinery), so tests stay short.
 */
#ifndef KXDEV_H
#define KXDEV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/kxfer.h>

#include "kxtest.h"

#define KX_MODULE_NAME	"kxfer"
#define KX_DEFAULT_BUF_SIZE	(4ULL << 20)	/* the module's default */

extern const char *kx_dev;	/* --dev, default /dev/kxfer0 */
extern const char *kx_ko;	/* --ko, the module file; NULL if not given */
extern uint64_t kx_start_size;	/* buf_size when the run started */

size_t kx_page(void);

/* Device and ioctls. */
int kx_open(void);
int kx_open_flags(int flags);
void kx_info(int fd, struct kxfer_info *info);
uint64_t kx_size(int fd);
void kx_set_mode(int fd, uint32_t work, uint32_t seed);
struct kxfer_mode kx_get_mode(int fd);
void kx_resize(int fd, uint64_t size);	/* on the vmalloc backing */
/* RESIZE's return value (errno set), and the version that must succeed. */
int kx_resize_raw(int fd, uint64_t size, uint32_t backing);
void kx_resize_to(int fd, uint64_t size, uint32_t backing);

/* Every KXFER_BACKING_* value is below this. */
#define KX_NR_BACKINGS 6
/* "vmalloc", ... as sysfs and backing= spell them; "unknown" past them. */
const char *kx_backing_name(uint32_t backing);
/* dma, dma-wc, dma-noncoherent: PFN maps from the DMA API allocators. */
int kx_backing_is_dma(uint32_t backing);
/*
 * A variant per backing (kxtest has no FIXTURE_VARIANT): KX_EACH_BACKING(fn)
 * defines the tests fn_on_vmalloc ... fn_on_dma_noncoherent, each calling
 * fn(KXFER_BACKING_*), in this fixed order.
 */
#define KX_ON_BACKING_(fn, name, B)					\
	TEST(fn##_on_##name)						\
	{								\
		fn(KXFER_BACKING_##B);					\
	}
#define KX_EACH_BACKING(fn)						\
	KX_ON_BACKING_(fn, vmalloc, VMALLOC)				\
	KX_ON_BACKING_(fn, pages, PAGES)				\
	KX_ON_BACKING_(fn, dma, DMA)					\
	KX_ON_BACKING_(fn, shmem, SHMEM)				\
	KX_ON_BACKING_(fn, dma_wc, DMA_WC)				\
	KX_ON_BACKING_(fn, dma_noncoherent, DMA_NONCOHERENT)
void kx_get_stats(int fd, struct kxfer_stats *st);
void kx_reset_stats(int fd);
/* End the test as skipped if the buffer is smaller than min bytes. */
void kx_require_size(int fd, uint64_t min);

/* Full-length I/O that must succeed and move every byte. */
void kx_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);
void kx_pread_all(int fd, void *buf, size_t len, uint64_t off);

/*
 * Test data is the fill pattern of <linux/kxfer.h> for a seed: it depends
 * on the buffer offset, so data landing at the wrong offset is caught.
 */
void kx_put_pattern(int fd, uint64_t off, size_t len, uint32_t seed);
void kx_put_byte(int fd, uint64_t off, size_t len, unsigned char val);

/*
 * Checks that report a mismatch (first bad offset, got vs expected) at
 * the caller's file and line and let the test go on; 1 if all matched.
 */
int kx_expect_pattern_at(const char *file, int line, int fd, uint64_t off,
			 size_t len, uint32_t seed, const char *what);
int kx_expect_pattern_mem_at(const char *file, int line, const void *p,
			     uint64_t off, size_t len, uint32_t seed,
			     const char *what);
int kx_expect_byte_at(const char *file, int line, int fd, uint64_t off,
		      size_t len, unsigned char val, const char *what);
int kx_expect_byte_mem_at(const char *file, int line, const void *p,
			  size_t len, unsigned char val, const char *what);
#define kx_expect_pattern(...) kx_expect_pattern_at(__FILE__, __LINE__, __VA_ARGS__)
#define kx_expect_pattern_mem(...) \
	kx_expect_pattern_mem_at(__FILE__, __LINE__, __VA_ARGS__)
#define kx_expect_byte(...) kx_expect_byte_at(__FILE__, __LINE__, __VA_ARGS__)
#define kx_expect_byte_mem(...) \
	kx_expect_byte_mem_at(__FILE__, __LINE__, __VA_ARGS__)

/* Memory. */
void *kx_alloc(size_t len);
/* good bytes of read-write memory followed by bad bytes of PROT_NONE. */
void *kx_guarded(size_t good, size_t bad);
/* An address that faults on any access. */
void *kx_bad_ptr(void);
void *kx_map(int fd, size_t len, uint64_t off, int prot, int flags);

/*
 * One aligned 8-byte load (store != 0: a store of val) at p, with SIGBUS
 * and SIGSEGV caught: 0 if it completed (the load's value in *got when
 * got is not NULL), else the signal number.
 */
int kx_probe_access(volatile void *p, int store, uint64_t val, uint64_t *got);

/* sysfs: /sys/class/kxfer/kxferN/ATTR */
const char *kx_sysfs_path(const char *attr);
/* 0 and the trimmed contents, or -errno. */
int kx_sysfs_read(const char *attr, char *buf, size_t len);
uint64_t kx_sysfs_u64(const char *attr);

/* KXFER_PATH_* names as used in sysfs stats/ and diagnostics. */
const char *kx_path_name(int path);

/*
 * Two-way handshake between a test and a helper process it forked:
 * helper: kx_sync_tell_parent(), kx_sync_wait_parent();
 * test:   kx_sync_wait_child(), kx_sync_tell_child().
 */
struct kx_sync {
	int to_parent[2];
	int to_child[2];
};
void kx_sync_init(struct kx_sync *s);
void kx_sync_in_child(struct kx_sync *s);	/* after fork, in helper */
void kx_sync_in_parent(struct kx_sync *s);	/* after fork, in test */
void kx_sync_tell_parent(struct kx_sync *s);
void kx_sync_wait_parent(struct kx_sync *s);
void kx_sync_tell_child(struct kx_sync *s);
void kx_sync_wait_child(struct kx_sync *s);

/*
 * Device n of the module: its node and its class directory (from a few
 * rotating buffers, so several may appear in one message), opened
 * (fails the test on error), and whether "kxfer" is a registered
 * character device major in /proc/devices.
 */
const char *kx_node(int n);		/* /dev/kxferN */
const char *kx_class_dir(int n);	/* /sys/class/kxfer/kxferN */
int kx_open_node(int n, int flags);
int kx_chrdev_registered(void);

/* Module loading; the raw ones return 0 or an errno value. */
int kx_module_loaded(void);
int kx_module_load_raw(const char *params);
int kx_module_unload_raw(void);
/* End the test as skipped when no --ko was given. */
void kx_require_ko(void);
/* Unload (waiting for users to go away) and load with params. */
void kx_module_reload(const char *params);
/* Reload with default parameters, as the run started. */
void kx_module_restore(void);
/* Wait up to secs for path to exist (present=1) or vanish (present=0). */
int kx_wait_path(const char *path, int present, double secs);

/*
 * Load with params (unloading first), which must fail with EINVAL, log
 * an error-level line naming the module, and leave no trace of it; ends
 * with the module loaded with default parameters.  Needs --ko.
 */
void kx_expect_load_rejected(const char *params);

/* /dev/kmsg reader positioned at the end of the log. */
int kx_kmsg_open(void);
/*
 * Collect the records logged since kx_kmsg_open() at log level <=
 * max_level, one a line, into out; returns how many there were.
 */
int kx_kmsg_lines(int fd, int max_level, char *out, size_t outlen);

/* An unlinked temporary file (TMPDIR, /tmp, or the working directory). */
int kx_tmpfile(void);

#endif
