/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading thinvmd's Describe() document (thinvmd(8), "THE DESCRIBE
 * DOCUMENT"): the few accessors the verbs need, and finding a VM by id or
 * name. Plain C over json-c, unit-tested.
 */
#ifndef VMCTL_DESCRIBE_H
#define VMCTL_DESCRIBE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The version of the document vmctl reads. */
#define VMCTL_DESCRIBE_VERSION 1

/* @o's member @key, or NULL (also when @o is not an object). */
json_object *jget(json_object *o, const char *key);
/* Its string, or @dflt for a missing or null member. */
const char *jstr(json_object *o, const char *key, const char *dflt);
uint64_t juint(json_object *o, const char *key);
bool jbool(json_object *o, const char *key);

/*
 * A {"mask", "names"} member as "name,name" ("none" for no bits, @dflt if
 * missing or null), in @buf.
 */
const char *jmask(json_object *o, const char *key, const char *dflt, char *buf, size_t size);
/* A string array as "a, b" ("none" if empty), in @buf. */
const char *jlist(json_object *o, const char *key, char *buf, size_t size);

/* 0 if @root is a document of the version vmctl reads, else -EPROTO. */
int vmctl_describe_check(json_object *root);

/*
 * The VM of @root whose id is @which (all digits) or whose name is @which.
 * 0 with *@vm; -ENOENT if none, -EEXIST if the name is not unique.
 */
int vmctl_find_vm(json_object *root, const char *which, json_object **vm);

#endif
