// SPDX-License-Identifier: GPL-2.0
/* vmctl run's port devices (cli/run_board.c), writing to a pipe. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../cli/run_board.h"

static struct run_board b;
static int pipefd[2];

static void setup(void)
{
	cr_assert_eq(pipe2(pipefd, O_NONBLOCK), 0);
	run_board_init(&b, pipefd[1]);
}

static void teardown(void)
{
	close(pipefd[0]);
	close(pipefd[1]);
}

/* What the guest printed so far. */
static const char *printed(void)
{
	static char buf[256];
	ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static enum board_device out8(uint16_t port, uint8_t v, bool *exit, uint8_t *value)
{
	return run_board_pio(&b, port, true, 1, 1, &v, exit, value);
}

static uint32_t in(uint16_t port, unsigned int size)
{
	uint8_t data[4] = { 0x5a, 0x5a, 0x5a, 0x5a };
	uint32_t v = 0;
	bool exit;
	uint8_t value;

	run_board_pio(&b, port, false, size, 1, data, &exit, &value);
	cr_assert_not(exit);
	memcpy(&v, data, size);
	return v;
}

TestSuite(run_board, .init = setup, .fini = teardown);

Test(run_board, serial_prints_thr_bytes_but_not_the_divisor)
{
	static const char s[] = "hi there";
	bool exit;
	uint8_t v;
	uint16_t words[2] = { 'o' | 0x4100, 'k' | 0x4200 };

	cr_assert_eq(out8(BOARD_COM1_THR, 'A', &exit, &v), BOARD_DEV_SERIAL);
	cr_assert_not(exit);
	out8(BOARD_COM1_LCR, 0x83, &exit, &v);		/* DLAB on */
	out8(BOARD_COM1_THR, 0x01, &exit, &v);		/* divisor latch low */
	out8(BOARD_COM1 + 1, 0x00, &exit, &v);		/* divisor latch high */
	cr_assert_eq(in(BOARD_COM1_LCR, 1), 0x83);
	out8(BOARD_COM1_LCR, 0x03, &exit, &v);
	run_board_pio(&b, BOARD_COM1_THR, true, 1, sizeof(s) - 1, (uint8_t *)s, &exit, &v);
	run_board_pio(&b, BOARD_COM1_THR, true, 2, 2, (uint8_t *)words, &exit, &v);
	out8(BOARD_COM1 + 7, 'S', &exit, &v);		/* scratch: ignored */
	cr_assert_str_eq(printed(), "Ahi thereok");
}

Test(run_board, serial_registers_read)
{
	cr_assert_eq(in(BOARD_COM1_LSR, 1), 0x60);
	cr_assert_eq(in(BOARD_COM1 + 1, 1), 0);
	cr_assert_eq(in(BOARD_COM1 + 6, 1), 0);
	cr_assert_eq(in(BOARD_COM1_LSR, 2), 0x60, "a wider IN: the register, then zeros");
}

Test(run_board, debug_exit)
{
	bool exit;
	uint8_t v = 0;
	uint32_t wide = 0x1234567f;

	cr_assert_eq(out8(BOARD_DEBUG_EXIT, 42, &exit, &v), BOARD_DEV_DEBUG_EXIT);
	cr_assert(exit);
	cr_assert_eq(v, 42);
	cr_assert_eq(run_board_pio(&b, BOARD_DEBUG_EXIT, true, 4, 1, (uint8_t *)&wide, &exit, &v),
		     BOARD_DEV_DEBUG_EXIT);
	cr_assert(exit);
	cr_assert_eq(v, 0x7f, "the low byte");
	cr_assert_eq(in(BOARD_DEBUG_EXIT, 1), 0xff, "reading it does not end the VM");
}

Test(run_board, clock_counts_milliseconds)
{
	struct timespec pause = { 0, 60 * 1000000 };
	uint32_t t0, t1;

	run_board_start_clock(&b);
	t0 = in(BOARD_CLOCK, 4);
	nanosleep(&pause, NULL);
	t1 = in(BOARD_CLOCK, 4);
	cr_assert_lt(t0, 50);
	cr_assert_geq(t1 - t0, 60);
	cr_assert_lt(t1 - t0, 5000);
	cr_assert_eq(in(BOARD_CLOCK, 1), in(BOARD_CLOCK, 4) & 0xff);
}

Test(run_board, other_ports_float)
{
	uint8_t many[8] = { 0 };
	bool exit;
	uint8_t v;

	cr_assert_eq(in(0x80, 4), 0xffffffff);
	cr_assert_eq(in(0xf1, 2), 0xffff);
	cr_assert_eq(run_board_pio(&b, 0x60, false, 2, 4, many, &exit, &v), BOARD_DEV_NONE);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(many[i], 0xff);
	cr_assert_eq(out8(0x80, 1, &exit, &v), BOARD_DEV_NONE);
	cr_assert_eq(out8(BOARD_CLOCK, 1, &exit, &v), BOARD_DEV_NONE, "the clock takes no writes");
	cr_assert_not(exit);
	cr_assert_str_eq(printed(), "");
}
