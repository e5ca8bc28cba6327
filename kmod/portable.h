/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types for the decision logic that is compiled both into thinvm.ko and into
 * the userspace unit tests (tests/unit/). Files that include this header use
 * nothing but these types: no kernel or libc calls.
 */
#ifndef THINVM_PORTABLE_H
#define THINVM_PORTABLE_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint8_t u8;
typedef uint16_t u16;
#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#endif

#endif
