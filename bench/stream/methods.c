// SPDX-License-Identifier: GPL-2.0
/* The streaming methods, in the order they are run and reported. */
#include <string.h>

#include "stream.h"

extern const struct st_method st_m_read, st_m_queue, st_m_ring,
	st_m_ring_busy, st_m_sink_write, st_m_sink_queue, st_m_sink_ring,
	st_m_eventfd_wake;

const struct st_method *const st_methods[] = {
	&st_m_read, &st_m_queue, &st_m_ring, &st_m_ring_busy,
	&st_m_sink_write, &st_m_sink_queue, &st_m_sink_ring,
	&st_m_eventfd_wake,
};
const size_t st_nr_methods = sizeof(st_methods) / sizeof(st_methods[0]);

const struct st_method *st_method_find(const char *name)
{
	for (size_t i = 0; i < st_nr_methods; i++)
		if (!strcmp(st_methods[i]->name, name))
			return st_methods[i];
	return NULL;
}
