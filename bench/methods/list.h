/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The method table, in the order results are produced and listed.  To add
 * a method: write methods/NAME.c defining `const struct kx_method
 * kx_method_NAME` and add one KX_METHOD(NAME) line here.
 */
KX_METHOD(write)
KX_METHOD(mmap_write)
KX_METHOD(read)
KX_METHOD(mmap_read)
KX_METHOD(writev)
KX_METHOD(readv)
KX_METHOD(copy_roundtrip)
KX_METHOD(mmap_roundtrip)
KX_METHOD(mmap_setup)
KX_METHOD(mmap_fault)
KX_METHOD(memcpy)
KX_METHOD(memfd_write)
KX_METHOD(memfd_read)
KX_METHOD(memfd_mmap_write)
KX_METHOD(memfd_mmap_read)
KX_METHOD(pipe)
KX_METHOD(null_ioctl)
