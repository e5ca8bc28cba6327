// SPDX-License-Identifier: GPL-2.0
/*
 * The port devices of vmctl run's board (run_board.h). Called from every
 * vCPU thread at once: the serial line writes straight to the output fd
 * (one write per exit, so nothing is lost if vmctl dies and lines from two
 * vCPUs only mix if the guest lets them), and the one piece of state, LCR,
 * is atomic.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run_board.h"

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

void run_board_init(struct run_board *b, int out_fd)
{
	b->out_fd = out_fd;
	b->start_ns = monotonic_ns();
	atomic_init(&b->lcr, 0);
}

void run_board_start_clock(struct run_board *b)
{
	b->start_ns = monotonic_ns();
}

const char *run_board_device_name(enum board_device d)
{
	static const char *const names[BOARD_DEV_NR] = {
		[BOARD_DEV_SERIAL] = "serial",
		[BOARD_DEV_DEBUG_EXIT] = "debug-exit",
		[BOARD_DEV_CLOCK] = "clock",
		[BOARD_DEV_NONE] = "other ports",
	};

	return d < BOARD_DEV_NR ? names[d] : "?";
}

/* All of it, whatever signals come; the guest's output is what the user wanted. */
static void write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* output closed: the guest runs on, unheard */
		p += w;
		n -= w;
	}
}

static void serial(struct run_board *b, uint16_t port, bool out, unsigned int size,
		   unsigned int count, uint8_t *data)
{
	uint8_t lcr = atomic_load(&b->lcr);

	if (!out) {
		uint8_t v = 0;

		if (port == BOARD_COM1_LSR)
			v = BOARD_LSR_TX_EMPTY;
		else if (port == BOARD_COM1_LCR)
			v = lcr;
		/* A wider IN reads the next registers too; keep it simple: the byte, then zeros. */
		memset(data, 0, (size_t)size * count);
		for (unsigned int i = 0; i < count; i++)
			data[(size_t)i * size] = v;
		return;
	}
	if (port == BOARD_COM1_LCR) {
		atomic_store(&b->lcr, data[((size_t)count - 1) * size]);
		return;
	}
	if (port != BOARD_COM1_THR || (lcr & BOARD_LCR_DLAB))
		return;
	if (size == 1) {
		write_all(b->out_fd, data, count);
		return;
	}
	/* OUTW/OUTL to THR: the low byte of each item is what the UART takes. */
	for (unsigned int i = 0; i < count; i++)
		write_all(b->out_fd, data + (size_t)i * size, 1);
}

static void clock_in(struct run_board *b, unsigned int size, unsigned int count, uint8_t *data)
{
	uint32_t ms = (uint32_t)((monotonic_ns() - b->start_ns) / 1000000u);

	/* The low bytes (x86 is little-endian); KVM's sizes are 1, 2 and 4. */
	for (unsigned int i = 0; i < count; i++)
		memcpy(data + (size_t)i * size, &ms, size < sizeof(ms) ? size : sizeof(ms));
}

enum board_device run_board_pio(struct run_board *b, uint16_t port, bool out,
				unsigned int size, unsigned int count, uint8_t *data,
				bool *exit, uint8_t *exit_value)
{
	*exit = false;
	if (port >= BOARD_COM1 && port <= BOARD_COM1_END) {
		serial(b, port, out, size, count, data);
		return BOARD_DEV_SERIAL;
	}
	if (port == BOARD_DEBUG_EXIT && out) {
		*exit = true;
		*exit_value = data[0];
		return BOARD_DEV_DEBUG_EXIT;
	}
	if (port == BOARD_CLOCK && !out) {
		clock_in(b, size, count, data);
		return BOARD_DEV_CLOCK;
	}
	if (!out)
		memset(data, 0xff, (size_t)size * count);
	return BOARD_DEV_NONE;
}
