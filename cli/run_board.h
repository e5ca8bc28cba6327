/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl run: the board, i.e. the devices behind the guest's I/O ports.
 *
 *   0x3f8-0x3ff  COM1: a byte written to THR goes to the output; LSR reads
 *                0x60 (transmitter empty); LCR keeps what was written, so
 *                that divisor bytes written with DLAB set are not printed;
 *                the other registers read 0 and ignore writes.
 *   0xf4         debug exit: a write of byte V ends the VM; vmctl exits V.
 *   0xf0         clock: IN reads milliseconds since the VM started
 *                (CLOCK_MONOTONIC), the low 32 bits (fewer bytes for a
 *                narrower IN).
 *   elsewhere    reads all-ones, writes ignored.
 *
 * No interrupt controller, no timer interrupt: guests poll.
 */
#ifndef VMCTL_RUN_BOARD_H
#define VMCTL_RUN_BOARD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define BOARD_COM1 0x3f8
#define BOARD_COM1_END 0x3ff
#define BOARD_COM1_THR 0x3f8	/* with LCR.DLAB clear */
#define BOARD_COM1_LCR 0x3fb
#define BOARD_COM1_LSR 0x3fd
#define BOARD_LCR_DLAB 0x80
#define BOARD_LSR_TX_EMPTY 0x60	/* THRE | TEMT */
#define BOARD_DEBUG_EXIT 0xf4
#define BOARD_CLOCK 0xf0

/* Which device answered an access: for the --stats counts. */
enum board_device {
	BOARD_DEV_SERIAL,
	BOARD_DEV_DEBUG_EXIT,
	BOARD_DEV_CLOCK,
	BOARD_DEV_NONE,		/* no device at that port */
	BOARD_DEV_NR,
};

struct run_board {
	int out_fd;		/* where COM1 writes go */
	uint64_t start_ns;	/* CLOCK_MONOTONIC when the VM started */
	_Atomic uint8_t lcr;	/* COM1's line control register */
};

void run_board_init(struct run_board *b, int out_fd);
/* The clock port counts from now. */
void run_board_start_clock(struct run_board *b);

/*
 * One port access as KVM_EXIT_IO reports it: @count items of @size bytes
 * (string I/O has count > 1) in @data, read from it for OUT, written to it
 * for IN. Returns the device that answered. For a debug exit, *@exit_value
 * gets the byte and *@exit is set; the caller ends the VM.
 */
enum board_device run_board_pio(struct run_board *b, uint16_t port, bool out,
				unsigned int size, unsigned int count, uint8_t *data,
				bool *exit, uint8_t *exit_value);

const char *run_board_device_name(enum board_device d);

#endif
