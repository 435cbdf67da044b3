// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming device: an hrtimer ticks at the configured rate and a work
 * item does what a device and its interrupt handler would do per period:
 * capture: fill the next block (payload, CRC32C, timestamp), hand it over
 * and wake whoever waits; sink: take the next block user space queued,
 * check it and give the slot back.  The timer callback only counts
 * periods, so large blocks are never written in hard interrupt context.
 *
 * Three ways to reach the blocks, each what a class of real drivers does:
 * read()/write() with one copy per block (IIO, most char drivers), a
 * DQBUF/QBUF queue of mapped blocks (V4L2) and a ring of mapped blocks with
 * indices in a shared control page (perf, io_uring, AF_XDP).  See
 * docs/streaming.md and <linux/kxfer.h> for the rules user space sees.
 */
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "kxfer.h"
#include "kxfer_compat.h"
#include "kxfer_stream.h"

/* Who owns a block of a read/write or queue stream. */
enum {
	KXFER_BLK_FREE,		/* in the free queue */
	KXFER_BLK_READY,	/* in the ready queue */
	KXFER_BLK_DEVICE,	/* the device fills or checks it */
	KXFER_BLK_USER,		/* handed to user space (DQBUF, read, write) */
};

#define KXFER_HDR_SIZE	((u32)sizeof(struct kxfer_stream_hdr))
#define KXFER_RING_PGOFF	(KXFER_STREAM_RING_OFFSET >> PAGE_SHIFT)

static struct kxfer_dev *stream_to_dev(struct kxfer_stream *s)
{
	return container_of(s, struct kxfer_dev, stream);
}

static bool kxfer_stream_capture(const struct kxfer_stream *s)
{
	return s->cfg.direction == KXFER_STREAM_CAPTURE;
}

static u32 kxfer_stream_payload(const struct kxfer_stream *s)
{
	return s->cfg.block_size - KXFER_HDR_SIZE;
}

static void *kxfer_stream_block(struct kxfer_stream *s, u32 i)
{
	return s->buf->vaddr + (size_t)i * s->cfg.stride;
}

static void kxfer_fifo_push(struct kxfer_stream *s, struct kxfer_stream_fifo *f,
			    u32 i)
{
	f->idx[f->head++ % s->cfg.depth] = i;
}

static u32 kxfer_fifo_pop(struct kxfer_stream *s, struct kxfer_stream_fifo *f)
{
	return f->idx[f->tail++ % s->cfg.depth];
}

static bool kxfer_fifo_empty(const struct kxfer_stream_fifo *f)
{
	return READ_ONCE(f->head) == READ_ONCE(f->tail);
}

/* Under s->lock: wake sleepers, counting the wake-ups that found one. */
static void kxfer_stream_wake(struct kxfer_stream *s, __poll_t mask)
{
	if (!wq_has_sleeper(&s->wq))
		return;
	s->st.wakeups++;
	wake_up_interruptible_poll(&s->wq, mask);
}

/*
 * Only dma-noncoherent memory needs ownership transfers (<linux/kxfer.h>);
 * every other backing is coherent with both the kernel's and user
 * space's view.
 */
static bool kxfer_stream_needs_sync(struct kxfer_stream *s)
{
	return s->buf->backing == KXFER_BACKING_DMA_NONCOHERENT;
}

/* The device writes block i in full, as its DMA would, and completes it. */
static void kxfer_stream_fill(struct kxfer_stream *s, u32 i, u64 seq)
{
	struct kxfer_stream_hdr *hdr = kxfer_stream_block(s, i);
	void *payload = (void *)hdr + KXFER_HDR_SIZE;
	u32 len = kxfer_stream_payload(s);

	kxfer_work_fill(payload, 0, len, (u32)seq);
	hdr->seq = seq;
	hdr->length = len;
	hdr->crc = kxfer_crc32c(~0U, payload, len);
	hdr->__reserved = 0;
	hdr->time_ns = ktime_get_ns();
	/* The ranges are inside the buffer: it cannot fail. */
	if (kxfer_stream_needs_sync(s))
		kxfer_buf_sync(s->buf, (u64)i * s->cfg.stride,
			       s->cfg.block_size, DMA_TO_DEVICE,
			       DMA_FROM_DEVICE);
}

/* The device consumes block i: checks it and counts what is wrong. */
static void kxfer_stream_check(struct kxfer_stream *s, u32 i)
{
	void *blk = kxfer_stream_block(s, i);
	struct kxfer_stream_hdr hdr;
	u32 len = kxfer_stream_payload(s);
	bool bad;

	if (kxfer_stream_needs_sync(s))
		kxfer_buf_sync(s->buf, (u64)i * s->cfg.stride,
			       s->cfg.block_size, DMA_TO_DEVICE, DMA_NONE);
	/* User space may still write it (ring, queue): read it once. */
	memcpy(&hdr, blk, sizeof(hdr));
	bad = hdr.length != len ||
	      kxfer_crc32c(~0U, blk + KXFER_HDR_SIZE, len) != hdr.crc;

	spin_lock(&s->lock);
	if (bad)
		s->st.crc_errors++;
	if (hdr.seq != s->sink_seq)
		s->st.seq_errors++;
	s->sink_seq++;
	spin_unlock(&s->lock);
}

/* Under s->lock: count what the ring's consumer released since last time. */
static void kxfer_stream_ring_observe(struct kxfer_stream *s)
{
	/* Pairs with user space's release store: it is done with the slots. */
	u32 tail = smp_load_acquire(&s->ring->tail);
	u32 done = tail - s->ring_tail;

	/* A tail past the head is user space's bug: ignored, not trusted. */
	if (done > s->ring_head - s->ring_tail)
		return;
	s->ring_tail = tail;
	s->st.delivered += done;
	s->st.bytes += (u64)done * kxfer_stream_payload(s);
}

static void kxfer_stream_ring_produce(struct kxfer_stream *s, u64 seq)
{
	u32 i;

	spin_lock(&s->lock);
	kxfer_stream_ring_observe(s);
	if (s->ring_head - s->ring_tail >= s->cfg.depth) {
		/* Full: user space owns every slot, so the new block is lost. */
		s->st.overruns++;
		spin_unlock(&s->lock);
		return;
	}
	spin_unlock(&s->lock);

	i = s->ring_head % s->cfg.depth;
	kxfer_stream_fill(s, i, seq);

	spin_lock(&s->lock);
	/* Pairs with user space's acquire load of head. */
	smp_store_release(&s->ring->head, ++s->ring_head);
	s->st.produced++;
	kxfer_stream_wake(s, EPOLLIN | EPOLLRDNORM);
	spin_unlock(&s->lock);
}

static void kxfer_stream_ring_consume(struct kxfer_stream *s)
{
	/* Pairs with user space's release store of head. */
	u32 head = smp_load_acquire(&s->ring->head);
	u32 avail = head - s->ring_tail;

	spin_lock(&s->lock);
	s->st.produced = s->st.delivered + min(avail, s->cfg.depth);
	if (!avail || avail > s->cfg.depth) {
		/* Empty, or a head no producer could have written. */
		s->st.underruns++;
		spin_unlock(&s->lock);
		return;
	}
	spin_unlock(&s->lock);

	kxfer_stream_check(s, s->ring_tail % s->cfg.depth);

	spin_lock(&s->lock);
	/* The slot is free again: pairs with user space's acquire of tail. */
	smp_store_release(&s->ring->tail, ++s->ring_tail);
	s->st.delivered++;
	s->st.bytes += kxfer_stream_payload(s);
	kxfer_stream_wake(s, EPOLLOUT | EPOLLWRNORM);
	spin_unlock(&s->lock);
}

/*
 * Read/write and queue capture: a free block, else the oldest ready one
 * (the reader lost it), else every block is with user space and the new
 * one is lost.
 */
static void kxfer_stream_queue_produce(struct kxfer_stream *s, u64 seq)
{
	u32 i;

	spin_lock(&s->lock);
	if (!kxfer_fifo_empty(&s->free)) {
		i = kxfer_fifo_pop(s, &s->free);
	} else if (!kxfer_fifo_empty(&s->ready)) {
		i = kxfer_fifo_pop(s, &s->ready);
		s->st.overruns++;
	} else {
		s->st.overruns++;
		spin_unlock(&s->lock);
		return;
	}
	s->state[i] = KXFER_BLK_DEVICE;
	spin_unlock(&s->lock);

	kxfer_stream_fill(s, i, seq);

	spin_lock(&s->lock);
	s->state[i] = KXFER_BLK_READY;
	kxfer_fifo_push(s, &s->ready, i);
	s->st.produced++;
	kxfer_stream_wake(s, EPOLLIN | EPOLLRDNORM);
	spin_unlock(&s->lock);
}

static void kxfer_stream_queue_consume(struct kxfer_stream *s)
{
	u32 i;

	spin_lock(&s->lock);
	if (kxfer_fifo_empty(&s->ready)) {
		s->st.underruns++;
		spin_unlock(&s->lock);
		return;
	}
	i = kxfer_fifo_pop(s, &s->ready);
	s->state[i] = KXFER_BLK_DEVICE;
	spin_unlock(&s->lock);

	kxfer_stream_check(s, i);

	spin_lock(&s->lock);
	s->state[i] = KXFER_BLK_FREE;
	kxfer_fifo_push(s, &s->free, i);
	s->st.delivered++;
	s->st.bytes += kxfer_stream_payload(s);
	kxfer_stream_wake(s, EPOLLOUT | EPOLLWRNORM);
	spin_unlock(&s->lock);
}

/* One device period. */
static void kxfer_stream_tick(struct kxfer_stream *s)
{
	bool ring = s->cfg.interface == KXFER_STREAM_IF_RING;

	if (kxfer_stream_capture(s)) {
		u64 seq = s->next_seq++;

		if (ring)
			kxfer_stream_ring_produce(s, seq);
		else
			kxfer_stream_queue_produce(s, seq);
	} else if (ring) {
		kxfer_stream_ring_consume(s);
	} else {
		kxfer_stream_queue_consume(s);
	}
}

static void kxfer_stream_work(struct work_struct *work)
{
	struct kxfer_stream *s = container_of(work, struct kxfer_stream, work);
	u32 due = atomic_xchg(&s->ticks_due, 0);
	u32 depth = s->cfg.depth;

	spin_lock(&s->lock);
	s->st.ticks += due;
	/*
	 * Periods the work fell behind by more than the ring holds would
	 * only overwrite each other: a capture device skips them (lost
	 * blocks, seen as a gap in seq), a sink device catches up no faster
	 * than one ring per run.
	 */
	if (due > depth) {
		if (kxfer_stream_capture(s)) {
			s->next_seq += due - depth;
			s->st.overruns += due - depth;
		}
		due = depth;
	}
	spin_unlock(&s->lock);

	while (due-- && READ_ONCE(s->running)) {
		kxfer_stream_tick(s);
		cond_resched();
	}
}

/* Hard interrupt context: count the periods, the work does the rest. */
static enum hrtimer_restart kxfer_stream_timer(struct hrtimer *timer)
{
	struct kxfer_stream *s = container_of(timer, struct kxfer_stream,
					      timer);

	atomic_add(hrtimer_forward_now(timer, s->period), &s->ticks_due);
	queue_work(system_highpri_wq, &s->work);
	return HRTIMER_RESTART;
}

/* A user count on a running stream with this interface, or -EPIPE. */
static int kxfer_stream_get(struct kxfer_stream *s, u32 interface)
{
	int ret = 0;

	spin_lock(&s->lock);
	if (!s->running || s->cfg.interface != interface)
		ret = -EPIPE;
	else
		s->users++;
	spin_unlock(&s->lock);
	return ret;
}

static void kxfer_stream_put(struct kxfer_stream *s)
{
	bool last;

	spin_lock(&s->lock);
	last = !--s->users && !s->running;
	spin_unlock(&s->lock);
	if (last)
		wake_up_all(&s->wq);
}

/* The queue user space takes blocks from: filled ones, or empty ones. */
static struct kxfer_stream_fifo *kxfer_stream_user_q(struct kxfer_stream *s)
{
	return kxfer_stream_capture(s) ? &s->ready : &s->free;
}

static int kxfer_stream_take(struct kxfer_stream *s, u32 *idx)
{
	struct kxfer_stream_fifo *q = kxfer_stream_user_q(s);
	int ret = 0;

	spin_lock(&s->lock);
	if (!s->running) {
		ret = -EPIPE;
	} else if (kxfer_fifo_empty(q)) {
		ret = -EAGAIN;
	} else {
		*idx = kxfer_fifo_pop(s, q);
		s->state[*idx] = KXFER_BLK_USER;
		if (kxfer_stream_capture(s)) {
			s->st.delivered++;
			s->st.bytes += kxfer_stream_payload(s);
		}
	}
	spin_unlock(&s->lock);
	return ret;
}

static bool kxfer_stream_can_take(struct kxfer_stream *s)
{
	return !READ_ONCE(s->running) ||
	       !kxfer_fifo_empty(kxfer_stream_user_q(s));
}

/* Blocks (unless nonblock) until a block can be taken or the stream ends. */
static int kxfer_stream_wait_take(struct kxfer_stream *s, bool nonblock,
				  u32 *idx)
{
	int ret;

	for (;;) {
		ret = kxfer_stream_take(s, idx);
		if (ret != -EAGAIN || nonblock)
			return ret;
		ret = wait_event_interruptible(s->wq, kxfer_stream_can_take(s));
		if (ret)
			return ret;
	}
}

/*
 * User space hands block i back: capture, done with it (free); sink,
 * filled (ready) unless @filled is false (a write() that faulted).
 */
static int kxfer_stream_hand_back(struct kxfer_stream *s, u32 i, bool filled)
{
	int ret = 0;

	spin_lock(&s->lock);
	if (i >= s->cfg.depth || s->state[i] != KXFER_BLK_USER) {
		ret = -EINVAL;
	} else if (kxfer_stream_capture(s) || !filled) {
		s->state[i] = KXFER_BLK_FREE;
		kxfer_fifo_push(s, &s->free, i);
	} else {
		s->state[i] = KXFER_BLK_READY;
		kxfer_fifo_push(s, &s->ready, i);
		s->st.produced++;
	}
	spin_unlock(&s->lock);
	return ret;
}

bool kxfer_stream_owns_io(struct kxfer_file *kf)
{
	struct kxfer_stream *s = &kf->kd->stream;

	return READ_ONCE(kf->stream_io) ||
	       (READ_ONCE(s->running) &&
		READ_ONCE(s->cfg.interface) == KXFER_STREAM_IF_RW);
}

/* Whole blocks; end of stream (0) once no read/write stream runs. */
ssize_t kxfer_stream_read(struct file *file, char __user *ubuf, size_t count)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_stream *s = &kf->kd->stream;
	size_t done = 0, bs;
	int ret;
	u32 i;

	if (kxfer_stream_get(s, KXFER_STREAM_IF_RW))
		return 0;
	WRITE_ONCE(kf->stream_io, true);
	bs = s->cfg.block_size;
	ret = -EINVAL;
	if (!kxfer_stream_capture(s) || count < bs)
		goto put;

	while (count - done >= bs) {
		/* Wait for the first block only, as a pipe does. */
		ret = kxfer_stream_wait_take(s, done ||
					     (file->f_flags & O_NONBLOCK), &i);
		if (ret)
			break;
		ret = copy_to_user(ubuf + done, kxfer_stream_block(s, i), bs) ?
		      -EFAULT : 0;
		kxfer_stream_hand_back(s, i, true);
		if (ret)
			break;
		done += bs;
	}
put:
	kxfer_stream_put(s);
	if (done)
		return done;
	return ret == -EPIPE ? 0 : ret;
}

ssize_t kxfer_stream_write(struct file *file, const char __user *ubuf,
			   size_t count)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_stream *s = &kf->kd->stream;
	size_t done = 0, bs;
	int ret;
	u32 i;

	ret = kxfer_stream_get(s, KXFER_STREAM_IF_RW);
	if (ret)
		return ret;
	WRITE_ONCE(kf->stream_io, true);
	bs = s->cfg.block_size;
	ret = -EINVAL;
	if (kxfer_stream_capture(s) || !count || count % bs)
		goto put;

	while (done < count) {
		ret = kxfer_stream_wait_take(s, done ||
					     (file->f_flags & O_NONBLOCK), &i);
		if (ret)
			break;
		ret = copy_from_user(kxfer_stream_block(s, i), ubuf + done,
				     bs) ? -EFAULT : 0;
		kxfer_stream_hand_back(s, i, !ret);
		if (ret)
			break;
		done += bs;
	}
put:
	kxfer_stream_put(s);
	return done ? done : ret;
}

__poll_t kxfer_stream_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_stream *s = &kf->kd->stream;
	__poll_t mask = 0;
	u32 used;

	poll_wait(file, &s->wq, pt);
	/* Pairs with wq_has_sleeper() in kxfer_stream_wake(). */
	smp_mb();

	spin_lock(&s->lock);
	if (!s->running) {
		/* A plain file again: always ready, as without .poll. */
		mask = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
	} else if (s->cfg.interface == KXFER_STREAM_IF_RING) {
		used = READ_ONCE(s->ring->head) - READ_ONCE(s->ring->tail);
		if (kxfer_stream_capture(s) && used)
			mask = EPOLLIN | EPOLLRDNORM;
		else if (!kxfer_stream_capture(s) && used < s->cfg.depth)
			mask = EPOLLOUT | EPOLLWRNORM;
	} else if (!kxfer_fifo_empty(kxfer_stream_user_q(s))) {
		mask = kxfer_stream_capture(s) ? EPOLLIN | EPOLLRDNORM :
						 EPOLLOUT | EPOLLWRNORM;
	}
	spin_unlock(&s->lock);
	return mask;
}

static long kxfer_stream_dqbuf(struct file *file, struct kxfer_stream *s,
			       void __user *argp)
{
	struct kxfer_stream_buf b;
	long ret;
	u32 i;

	if (copy_from_user(&b, argp, sizeof(b)))
		return -EFAULT;
	if (b.flags)
		return -EINVAL;
	ret = kxfer_stream_get(s, KXFER_STREAM_IF_QUEUE);
	if (ret)
		return ret;

	ret = kxfer_stream_wait_take(s, file->f_flags & O_NONBLOCK, &i);
	if (ret)
		goto put;
	memset(&b, 0, sizeof(b));
	b.index = i;
	b.offset = (u64)i * s->cfg.stride;
	if (kxfer_stream_capture(s))
		memcpy(&b.hdr, kxfer_stream_block(s, i), sizeof(b.hdr));
	if (copy_to_user(argp, &b, sizeof(b))) {
		/* Nobody learnt the index: the block must not be lost. */
		kxfer_stream_hand_back(s, i, false);
		ret = -EFAULT;
	}
put:
	kxfer_stream_put(s);
	return ret;
}

static long kxfer_stream_qbuf(struct kxfer_stream *s, void __user *argp)
{
	struct kxfer_stream_buf b;
	long ret;

	if (copy_from_user(&b, argp, sizeof(b)))
		return -EFAULT;
	if (b.flags)
		return -EINVAL;
	ret = kxfer_stream_get(s, KXFER_STREAM_IF_QUEUE);
	if (ret)
		return ret;
	ret = kxfer_stream_hand_back(s, b.index, true);
	kxfer_stream_put(s);
	return ret;
}

static int kxfer_stream_check_start(const struct kxfer_stream_start *req)
{
	if (req->flags || req->stride || req->__reserved ||
	    req->direction > KXFER_STREAM_SINK ||
	    req->interface > KXFER_STREAM_IF_RING ||
	    req->block_size < KXFER_STREAM_MIN_BLOCK ||
	    req->block_size > KXFER_STREAM_MAX_BLOCK ||
	    req->rate_hz < KXFER_STREAM_MIN_RATE ||
	    req->rate_hz > KXFER_STREAM_MAX_RATE ||
	    req->depth < KXFER_STREAM_MIN_DEPTH ||
	    req->depth > KXFER_STREAM_MAX_DEPTH)
		return -EINVAL;
	return 0;
}

static void kxfer_stream_free(struct kxfer_stream *s)
{
	kvfree(s->free.idx);
	kvfree(s->ready.idx);
	kvfree(s->state);
	s->free.idx = NULL;
	s->ready.idx = NULL;
	s->state = NULL;
	if (s->ring_page)
		put_page(s->ring_page);
	s->ring_page = NULL;
	s->ring = NULL;
}

/* Under ctl_lock, with the stream stopped: the queues or the ring page. */
static int kxfer_stream_alloc(struct kxfer_stream *s)
{
	u32 depth = s->cfg.depth, i;

	if (s->cfg.interface == KXFER_STREAM_IF_RING) {
		s->ring_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!s->ring_page)
			return -ENOMEM;
		s->ring = page_address(s->ring_page);
		s->ring->depth = depth;
		s->ring->stride = s->cfg.stride;
		s->ring->block_size = s->cfg.block_size;
		s->ring->direction = s->cfg.direction;
		return 0;
	}

	s->free.idx = kvmalloc_array(depth, sizeof(u32), GFP_KERNEL);
	s->ready.idx = kvmalloc_array(depth, sizeof(u32), GFP_KERNEL);
	s->state = kvzalloc(depth, GFP_KERNEL);
	if (!s->free.idx || !s->ready.idx || !s->state) {
		kxfer_stream_free(s);
		return -ENOMEM;
	}
	s->free.head = 0;
	s->free.tail = 0;
	s->ready.head = 0;
	s->ready.tail = 0;
	for (i = 0; i < depth; i++)
		kxfer_fifo_push(s, &s->free, i);	/* state: FREE */
	return 0;
}

static long kxfer_stream_start(struct kxfer_file *kf, void __user *argp)
{
	struct kxfer_dev *kd = kf->kd;
	struct kxfer_stream *s = &kd->stream;
	struct kxfer_stream_start req;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	ret = kxfer_stream_check_start(&req);
	if (ret)
		return ret;
	/* Cache maintenance per block must not touch a neighbour. */
	req.stride = ALIGN(req.block_size,
			   max_t(u32, 64, dma_get_cache_alignment()));

	ret = mutex_lock_killable(&s->ctl_lock);
	if (ret)
		return ret;
	if (s->running) {
		ret = -EBUSY;
		goto unlock;
	}
	/*
	 * RESIZE waits for ctl_lock, so this stays the buffer until STOP;
	 * the stream's own reference keeps it for the device's work.
	 */
	mutex_lock(&kd->resize_lock);
	s->buf = kxfer_cur_buf(kd);
	kref_get(&s->buf->ref);
	mutex_unlock(&kd->resize_lock);
	if ((u64)req.depth * req.stride > s->buf->size) {
		ret = -EINVAL;
		goto put_buf;
	}
	if (copy_to_user(argp, &req, sizeof(req))) {
		ret = -EFAULT;
		goto put_buf;
	}

	s->cfg = req;
	ret = kxfer_stream_alloc(s);
	if (ret)
		goto put_buf;

	memset(&s->st, 0, sizeof(s->st));
	s->st.running = 1;
	s->st.direction = req.direction;
	s->st.interface = req.interface;
	s->st.block_size = req.block_size;
	s->st.rate_hz = req.rate_hz;
	s->st.depth = req.depth;
	s->st.stride = req.stride;
	s->next_seq = 0;
	s->sink_seq = 0;
	s->ring_head = 0;
	s->ring_tail = 0;
	s->owner = kf;
	atomic_set(&s->ticks_due, 0);
	s->period = ns_to_ktime(div_u64(NSEC_PER_SEC, req.rate_hz));

	spin_lock(&s->lock);
	s->running = true;
	spin_unlock(&s->lock);
	hrtimer_start(&s->timer, s->period, HRTIMER_MODE_REL);
	mutex_unlock(&s->ctl_lock);
	return 0;

put_buf:
	kxfer_buf_put(s->buf);
	s->buf = NULL;
unlock:
	mutex_unlock(&s->ctl_lock);
	return ret;
}

static bool kxfer_stream_unused(struct kxfer_stream *s)
{
	bool unused;

	spin_lock(&s->lock);
	unused = !s->users;
	spin_unlock(&s->lock);
	return unused;
}

/* Under ctl_lock. */
static void kxfer_stream_stop_locked(struct kxfer_stream *s)
{
	struct kxfer_dev *kd = stream_to_dev(s);

	spin_lock(&s->lock);
	if (!s->running) {
		spin_unlock(&s->lock);
		return;
	}
	WRITE_ONCE(s->running, false);
	s->st.running = 0;
	spin_unlock(&s->lock);

	/* The timer queues the work, so the timer goes first. */
	hrtimer_cancel(&s->timer);
	cancel_work_sync(&s->work);

	wake_up_all(&s->wq);
	wait_event(s->wq, kxfer_stream_unused(s));

	if (s->ring) {
		spin_lock(&s->lock);
		if (kxfer_stream_capture(s))
			kxfer_stream_ring_observe(s);
		spin_unlock(&s->lock);
		/* Later accesses to the control page fault and get SIGBUS. */
		unmap_mapping_range(kd->inode->i_mapping,
				    KXFER_STREAM_RING_OFFSET, PAGE_SIZE, 1);
	}
	spin_lock(&s->lock);
	s->owner = NULL;
	spin_unlock(&s->lock);
	/* The fault handler checks running under s->lock before this. */
	kxfer_stream_free(s);
	kxfer_buf_put(s->buf);
	s->buf = NULL;
}

static long kxfer_stream_stop(struct kxfer_stream *s)
{
	int ret = mutex_lock_killable(&s->ctl_lock);

	if (ret)
		return ret;
	kxfer_stream_stop_locked(s);
	mutex_unlock(&s->ctl_lock);
	return 0;
}

static long kxfer_stream_stats(struct kxfer_stream *s, void __user *argp)
{
	struct kxfer_stream_stats st;

	spin_lock(&s->lock);
	if (s->running && s->ring && kxfer_stream_capture(s))
		kxfer_stream_ring_observe(s);
	st = s->st;
	spin_unlock(&s->lock);
	if (copy_to_user(argp, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}

bool kxfer_stream_is_ioctl(unsigned int cmd)
{
	switch (cmd) {
	case KXFER_IOC_STREAM_START:
	case KXFER_IOC_STREAM_STOP:
	case KXFER_IOC_STREAM_STATS:
	case KXFER_IOC_STREAM_DQBUF:
	case KXFER_IOC_STREAM_QBUF:
		return true;
	default:
		return false;
	}
}

long kxfer_stream_ioctl(struct file *file, unsigned int cmd,
			void __user *argp)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_stream *s = &kf->kd->stream;

	switch (cmd) {
	case KXFER_IOC_STREAM_START:
		/* The device writes the buffer. */
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		return kxfer_stream_start(kf, argp);
	case KXFER_IOC_STREAM_STOP:
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		return kxfer_stream_stop(s);
	case KXFER_IOC_STREAM_STATS:
		return kxfer_stream_stats(s, argp);
	case KXFER_IOC_STREAM_DQBUF:
		return kxfer_stream_dqbuf(file, s, argp);
	case KXFER_IOC_STREAM_QBUF:
		return kxfer_stream_qbuf(s, argp);
	default:
		return -ENOTTY;
	}
}

/* The last close of the file that started the stream stops it. */
void kxfer_stream_release(struct kxfer_file *kf)
{
	struct kxfer_stream *s = &kf->kd->stream;

	mutex_lock(&s->ctl_lock);
	if (s->owner == kf)
		kxfer_stream_stop_locked(s);
	mutex_unlock(&s->ctl_lock);
}

int kxfer_stream_hold_idle(struct kxfer_dev *kd)
{
	struct kxfer_stream *s = &kd->stream;
	int ret = mutex_lock_killable(&s->ctl_lock);

	if (ret)
		return ret;
	if (s->running) {
		mutex_unlock(&s->ctl_lock);
		return -EBUSY;
	}
	return 0;
}

void kxfer_stream_unhold(struct kxfer_dev *kd)
{
	mutex_unlock(&kd->stream.ctl_lock);
}

static vm_fault_t kxfer_stream_ring_fault(struct vm_fault *vmf)
{
	struct kxfer_dev *kd = vmf->vma->vm_private_data;
	struct kxfer_stream *s = &kd->stream;
	struct page *page = NULL;

	spin_lock(&s->lock);
	if (s->running && s->ring_page && vmf->pgoff == KXFER_RING_PGOFF) {
		page = s->ring_page;
		get_page(page);
	}
	spin_unlock(&s->lock);
	if (!page)
		return VM_FAULT_SIGBUS;
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct kxfer_stream_ring_vm_ops = {
	.fault	= kxfer_stream_ring_fault,
};

bool kxfer_stream_is_ring_map(struct vm_area_struct *vma)
{
	return vma->vm_pgoff == KXFER_RING_PGOFF;
}

/*
 * The control page is faulted in from the running stream; STOP unmaps it,
 * so a mapping made for one stream never shows another's indices.
 */
int kxfer_stream_mmap_ring(struct kxfer_dev *kd, struct vm_area_struct *vma)
{
	if (vma_pages(vma) != 1 || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	kxfer_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &kxfer_stream_ring_vm_ops;
	vma->vm_private_data = kd;
	return 0;
}

void kxfer_stream_init(struct kxfer_dev *kd)
{
	struct kxfer_stream *s = &kd->stream;

	spin_lock_init(&s->lock);
	mutex_init(&s->ctl_lock);
	init_waitqueue_head(&s->wq);
	INIT_WORK(&s->work, kxfer_stream_work);
	kxfer_hrtimer_setup(&s->timer, kxfer_stream_timer, CLOCK_MONOTONIC,
			    HRTIMER_MODE_REL);
}

/* Before the device goes: no timer or work may outlive it. */
void kxfer_stream_exit(struct kxfer_dev *kd)
{
	mutex_lock(&kd->stream.ctl_lock);
	kxfer_stream_stop_locked(&kd->stream);
	mutex_unlock(&kd->stream.ctl_lock);
}
