// SPDX-License-Identifier: GPL-2.0
/*
 * The copy path: the buffer as a fixed-size file.  read() and write() use
 * copy_{to,from}_user() on a plain user pointer; readv(), splice() and
 * io_uring come in through read_iter/write_iter and copy_{to,from}_iter().
 * Both are kept so that each can be measured on its own.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "kxfer.h"
#include "kxfer_compat.h"

/* Where a transfer's user-side bytes are: a plain pointer or an iov_iter. */
struct kxfer_uio {
	bool to_user;
	char __user *ubuf;		/* NULL when iter is used */
	struct iov_iter *iter;
};

/* Returns the number of bytes copied, short on a fault. */
static size_t kxfer_uio_copy(struct kxfer_uio *uio, void *kaddr, size_t done,
			     size_t len)
{
	if (uio->iter) {
		if (uio->to_user)
			return copy_to_iter(kaddr, len, uio->iter);
		return copy_from_iter(kaddr, len, uio->iter);
	}
	if (uio->to_user)
		return len - copy_to_user(uio->ubuf + done, kaddr, len);
	/*
	 * copy_from_user() zeroes what it could not copy, which would wipe
	 * buffer bytes past the count write() reports.  kxfer_write() did
	 * access_ok(), so the variant that leaves them alone is safe; it is
	 * also what copy_from_iter() does for the iter path.
	 */
	return len - __copy_from_user(kaddr, uio->ubuf + done, len);
}

/*
 * Moves up to @count bytes at *@ppos between the buffer and user space.
 * Like drivers/char/mem.c, progress made before a fault or a fatal signal
 * is returned as a short count; only a transfer that moved nothing fails.
 */
static ssize_t kxfer_transfer(struct kxfer_file *kf, struct kxfer_uio *uio,
			      size_t count, loff_t *ppos, unsigned int path,
			      bool nowait)
{
	struct kxfer_dev *kd = kf->kd;
	u32 crc = kxfer_work_csum_init(kf);
	struct kxfer_buf *buf;
	size_t done = 0;
	loff_t pos = *ppos;
	int ret;

	if (nowait) {
		if (!down_read_trylock(&kd->buf_sem))
			return -EAGAIN;
	} else {
		ret = down_read_killable(&kd->buf_sem);
		if (ret)
			return ret;
	}

	buf = kxfer_cur_buf(kd);
	if (pos >= buf->size) {
		/* A full fixed-size file for writers; EOF for readers. */
		if (!uio->to_user && count) {
			up_read(&kd->buf_sem);
			return -ENOSPC;
		}
		count = 0;
	} else {
		count = min_t(size_t, count, buf->size - pos);
	}

	while (done < count) {
		size_t len = min_t(size_t, count - done, KXFER_CHUNK);
		void *kaddr = buf->vaddr + pos + done;
		size_t copied;

		if (uio->to_user)
			kxfer_work_produce(kf, kaddr, pos + done, len);
		copied = kxfer_uio_copy(uio, kaddr, done, len);
		crc = kxfer_work_csum(kf, crc, kaddr, copied);
		done += copied;
		if (copied < len || fatal_signal_pending(current))
			break;
		cond_resched();
	}
	up_read(&kd->buf_sem);

	if (!done && count)
		return -EFAULT;

	WRITE_ONCE(kf->last_csum, crc);
	kxfer_count(kd, path, done);
	*ppos = pos + done;
	return done;
}

static ssize_t kxfer_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct kxfer_uio uio = { .to_user = true, .ubuf = ubuf };

	if (kxfer_stream_owns_io(file->private_data))
		return kxfer_stream_read(file, ubuf, count);
	return kxfer_transfer(file->private_data, &uio, count, ppos,
			      KXFER_PATH_READ, false);
}

static ssize_t kxfer_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct kxfer_uio uio = { .ubuf = (char __user *)ubuf };

	if (kxfer_stream_owns_io(file->private_data))
		return kxfer_stream_write(file, ubuf, count);
	if (!access_ok(ubuf, count))
		return -EFAULT;
	return kxfer_transfer(file->private_data, &uio, count, ppos,
			      KXFER_PATH_WRITE, false);
}

static ssize_t kxfer_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct kxfer_uio uio = { .to_user = true, .iter = to };

	if (kxfer_stream_owns_io(iocb->ki_filp->private_data))
		return -EINVAL;	/* stream I/O is read() only */
	return kxfer_transfer(iocb->ki_filp->private_data, &uio,
			      iov_iter_count(to), &iocb->ki_pos,
			      KXFER_PATH_READ_ITER,
			      iocb->ki_flags & IOCB_NOWAIT);
}

static ssize_t kxfer_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct kxfer_uio uio = { .iter = from };

	if (kxfer_stream_owns_io(iocb->ki_filp->private_data))
		return -EINVAL;	/* stream I/O is write() only */
	return kxfer_transfer(iocb->ki_filp->private_data, &uio,
			      iov_iter_count(from), &iocb->ki_pos,
			      KXFER_PATH_WRITE_ITER,
			      iocb->ki_flags & IOCB_NOWAIT);
}

/* SEEK_SET/CUR/END within [0, size]; holes and data make no sense here. */
static loff_t kxfer_llseek(struct file *file, loff_t offset, int whence)
{
	struct kxfer_dev *kd = ((struct kxfer_file *)file->private_data)->kd;
	loff_t ret;

	switch (whence) {
	case SEEK_SET:
	case SEEK_CUR:
	case SEEK_END:
		break;
	default:
		return -EINVAL;
	}
	down_read(&kd->buf_sem);
	ret = fixed_size_llseek(file, offset, whence, kxfer_cur_buf(kd)->size);
	up_read(&kd->buf_sem);
	return ret;
}

static int kxfer_open(struct inode *inode, struct file *file)
{
	struct kxfer_file *kf;

	kf = kzalloc(sizeof(*kf), GFP_KERNEL);
	if (!kf)
		return -ENOMEM;
	kf->kd = container_of(inode->i_cdev, struct kxfer_dev, cdev);
	file->private_data = kf;
	/* One address space for all mappings, so RESIZE can revoke them. */
	file->f_mapping = kf->kd->inode->i_mapping;
	return 0;
}

static int kxfer_release(struct inode *inode, struct file *file)
{
	kxfer_stream_release(file->private_data);
	kfree(file->private_data);
	return 0;
}

const struct file_operations kxfer_fops = {
	.owner		= THIS_MODULE,
	.open		= kxfer_open,
	.release	= kxfer_release,
	.llseek		= kxfer_llseek,
	.read		= kxfer_read,
	.write		= kxfer_write,
	.read_iter	= kxfer_read_iter,
	.write_iter	= kxfer_write_iter,
	.splice_read	= kxfer_splice_read,
	.splice_write	= iter_file_splice_write,
	.poll		= kxfer_stream_poll,
	.mmap		= kxfer_mmap,
	/* PMD-aligned addresses, so shmem's huge pages can be mapped huge. */
	.get_unmapped_area = thp_get_unmapped_area,
	.unlocked_ioctl	= kxfer_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
