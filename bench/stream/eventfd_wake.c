// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd-wake: the floor a kernel wake-up cannot beat.  A thread ticks at
 * the same rate as the device (absolute clock_nanosleep), stamps a header
 * and signals an eventfd; the consumer sleeps in read() on it.  Same
 * latency definition as the device methods: stamp to consumer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"
#include "timing.h"

#define EV_SLOTS 4096u	/* stamps the consumer may fall behind by */

struct ev_state {
	int efd;
	pthread_t thread;
	int started;
	int stop;				/* __atomic */
	uint64_t published;			/* __atomic: stamps written */
	uint64_t consumed;
	uint32_t rate_hz;
	struct kxfer_stream_hdr slot[EV_SLOTS];
};

static void *ev_producer(void *arg)
{
	struct ev_state *e = arg;
	uint64_t period = 1000000000ULL / e->rate_hz, seq = 0, one = 1;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!__atomic_load_n(&e->stop, __ATOMIC_ACQUIRE)) {
		next.tv_nsec += (long)period;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
		e->slot[seq % EV_SLOTS].seq = seq;
		e->slot[seq % EV_SLOTS].time_ns = kx_now_ns();
		__atomic_store_n(&e->published, ++seq, __ATOMIC_RELEASE);
		if (write(e->efd, &one, sizeof(one)) != sizeof(one))
			break;
	}
	return NULL;
}

static int ev_setup(struct st_sess *s)
{
	struct ev_state *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	s->priv = e;
	e->rate_hz = s->cfg->rate_hz;
	e->efd = eventfd(0, EFD_CLOEXEC);
	if (e->efd < 0) {
		perror("kxfer-bench: eventfd");
		return -1;
	}
	if (pthread_create(&e->thread, NULL, ev_producer, e)) {
		fprintf(stderr, "kxfer-bench: cannot start the eventfd producer thread\n");
		return -1;
	}
	e->started = 1;
	return 0;
}

static void ev_teardown(struct st_sess *s)
{
	struct ev_state *e = s->priv;

	if (!e)
		return;
	if (e->started) {
		__atomic_store_n(&e->stop, 1, __ATOMIC_RELEASE);
		pthread_join(e->thread, NULL);
	}
	if (e->efd >= 0)
		close(e->efd);
	free(e);
	s->priv = NULL;
}

static int ev_loop(struct st_sess *s, uint64_t until_ns)
{
	struct ev_state *e = s->priv;

	while (kx_now_ns() < until_ns) {
		uint64_t cnt, pub;

		s->syscalls++;
		if (read(e->efd, &cnt, sizeof(cnt)) != sizeof(cnt)) {
			if (errno == EINTR)
				continue;
			perror("kxfer-bench: eventfd-wake: read");
			return -1;
		}
		pub = __atomic_load_n(&e->published, __ATOMIC_ACQUIRE);
		/* Stamps overwritten before they were read are lost. */
		if (pub - e->consumed > EV_SLOTS)
			e->consumed = pub - EV_SLOTS;
		for (; e->consumed < pub; e->consumed++)
			st_got_block(s, &e->slot[e->consumed % EV_SLOTS]);
	}
	return 0;
}

const struct st_method st_m_eventfd_wake = {
	.name = "eventfd-wake", .device = 0,
	.summary = "user-space baseline: a timer thread wakes the reader through an eventfd",
	.setup = ev_setup, .teardown = ev_teardown, .loop = ev_loop,
};
