/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC32C (Castagnoli) in the kernel's convention: the caller passes the
 * running value (start with ~0U), no final inversion.  Matches what the
 * driver returns in KXFER_WORK_CHECKSUM mode.
 */
#ifndef KX_CRC32C_H
#define KX_CRC32C_H

#include <stddef.h>
#include <stdint.h>

#define KX_CRC32C_INIT 0xffffffffU

uint32_t kx_crc32c(uint32_t crc, const void *data, size_t len);

#endif
