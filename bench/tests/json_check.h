/* SPDX-License-Identifier: GPL-2.0 */
/* A strict JSON syntax checker (RFC 8259), for testing the writer. */
#ifndef KX_JSON_CHECK_H
#define KX_JSON_CHECK_H

/* 0 when text is exactly one valid JSON value, else -1. */
int json_check(const char *text);

#endif
