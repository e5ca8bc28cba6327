/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl: what its verbs share. vmctl(8) documents the exit codes; scripts
 * rely on them, so they never change meaning.
 */
#ifndef VMCTL_H
#define VMCTL_H

#include <stdbool.h>
#include <stddef.h>

enum vmctl_exit {
	VMCTL_EXIT_OK = 0,
	VMCTL_EXIT_FAILURE = 1,
	VMCTL_EXIT_USAGE = 2,
	VMCTL_EXIT_NOT_LOADED = 3,	/* the thinvm module is not loaded */
	VMCTL_EXIT_NO_DAEMON = 4,	/* thinvmd is not running, could not start */
	VMCTL_EXIT_DENIED = 5,		/* root or polkit's permission needed */
	VMCTL_EXIT_NO_VM = 6,		/* no such VM */
	VMCTL_EXIT_REFUSED = 7,		/* thinvmd refused a value */
};

/* The global options, set by main() before a verb runs. */
struct vmctl_options {
	bool json;		/* --json: one JSON document instead of text */
	bool legend;		/* tables with their header (--no-legend: without) */
};
extern struct vmctl_options vmctl_opt;

/* Verbs: argv[0] is the verb's first argument (argc may be 0). */
int verb_status(int argc, char **argv);
int verb_cpus(int argc, char **argv);
int verb_vms(int argc, char **argv);
int verb_vm(int argc, char **argv);
int verb_policy(int argc, char **argv);
int verb_events(int argc, char **argv);
int verb_profile(int argc, char **argv);

/* "vmctl: " and the message on stderr; returns @code, for "return fail(...)". */
int vmctl_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The message into @err (for callers that report it later); returns -1. */
int vmctl_errf(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
