// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"

json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *jstr(json_object *o, const char *key, const char *dflt)
{
	json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : dflt;
}

uint64_t juint(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_uint64(v) : 0;
}

bool jbool(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_get_boolean(v);
}

static const char *join(json_object *a, const char *sep, char *buf, size_t size)
{
	size_t used = 0, n = json_object_array_length(a);

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += snprintf(buf + used, size - used, "%s%s", i ? sep : "",
				 json_object_get_string(json_object_array_get_idx(a, i)));
	return n ? buf : "none";
}

const char *jmask(json_object *o, const char *key, const char *dflt, char *buf, size_t size)
{
	json_object *names = jget(jget(o, key), "names");

	if (!names || !json_object_is_type(names, json_type_array))
		return dflt;
	return join(names, ",", buf, size);
}

const char *jlist(json_object *o, const char *key, char *buf, size_t size)
{
	json_object *a = jget(o, key);

	if (!a || !json_object_is_type(a, json_type_array))
		return "none";
	return join(a, ", ", buf, size);
}

int vmctl_describe_check(json_object *root)
{
	json_object *v = jget(root, "version");

	if (!v || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) != VMCTL_DESCRIBE_VERSION)
		return -EPROTO;
	return 0;
}

int vmctl_find_vm(json_object *root, const char *which, json_object **vm)
{
	json_object *vms = jget(root, "vms");
	bool by_id = which[0] && strspn(which, "0123456789") == strlen(which);
	size_t n = vms && json_object_is_type(vms, json_type_array) ?
		   json_object_array_length(vms) : 0;
	int found = 0;

	for (size_t i = 0; which[0] && i < n; i++) {
		json_object *v = json_object_array_get_idx(vms, i);
		const char *name = jstr(v, "name", NULL);

		/* Ids are u32: a longer string of digits names no VM. */
		if (by_id ? strlen(which) <= 10 && strtoull(which, NULL, 10) == juint(v, "id") :
		    name && !strcmp(name, which)) {
			*vm = v;
			found++;
		}
	}
	if (!found)
		return -ENOENT;
	return found > 1 ? -EEXIST : 0;
}
