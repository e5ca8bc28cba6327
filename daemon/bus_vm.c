// SPDX-License-Identifier: GPL-2.0
/*
 * One object per VM, /org/thinvm/vm/<id>, interface org.thinvm.VM1, listed
 * by the object manager at /org/thinvm. The properties are read from the
 * module when asked, so they are never stale; they name the VM's owner, so
 * reading them takes what Describe() takes (org.thinvm.inspect).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "thinvmd.h"

static int path_id(const char *path, uint32_t *id)
{
	const char *p = path + strlen(TVD_VM_PATH_PREFIX);
	char *end;
	unsigned long v;

	if (strncmp(path, TVD_VM_PATH_PREFIX "/", strlen(TVD_VM_PATH_PREFIX) + 1))
		return -EINVAL;
	p++;
	if (*p < '1' || *p > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*id = v;
	return 0;
}

static bool known(const struct thinvmd *d, uint32_t id)
{
	for (size_t i = 0; i < d->module.n_vms; i++) {
		if (d->module.vms[i].id == id)
			return true;
	}
	return false;
}

static int find_vm(sd_bus *bus, const char *path, const char *iface,
		   void *userdata, void **found, sd_bus_error *err)
{
	struct thinvmd *d = userdata;
	uint32_t id;

	(void)bus, (void)iface, (void)err;
	if (path_id(path, &id) || !known(d, id))
		return 0;
	*found = d;
	return 1;
}

static int list_vms(sd_bus *bus, const char *path, void *userdata,
		    char ***nodes, sd_bus_error *err)
{
	struct thinvmd *d = userdata;
	char **v = calloc(d->module.n_vms + 1, sizeof(*v));

	(void)bus, (void)path, (void)err;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < d->module.n_vms; i++) {
		if (asprintf(&v[i], TVD_VM_PATH_PREFIX "/%u", d->module.vms[i].id) < 0) {
			for (size_t j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return -ENOMEM;
		}
	}
	*nodes = v;
	return 1;
}

/* The VM behind @path, read now, if the caller may see it. */
static int read_vm(sd_bus *bus, const char *path, struct thinvmd *d,
		   struct tnl_vm *vm, sd_bus_error *err)
{
	sd_bus_message *m = sd_bus_get_current_message(bus);
	uint8_t type;
	uint32_t id;
	int r;

	/*
	 * A caller reading properties must be allowed to; values read for a
	 * signal thinvmd sends (InterfacesAdded, while it handles some other
	 * call) are not that call's caller's to be checked.
	 */
	if (m && sd_bus_message_get_type(m, &type) >= 0 && type == SD_BUS_MESSAGE_METHOD_CALL &&
	    (sd_bus_message_is_method_call(m, "org.freedesktop.DBus.Properties", NULL) ||
	     sd_bus_message_is_method_call(m, "org.freedesktop.DBus.ObjectManager", NULL)) &&
	    !tvd_authorize(m, TVD_ACTION_INSPECT, err))
		return -EACCES;
	if (path_id(path, &id))
		return sd_bus_error_setf(err, TVD_ERROR_NO_SUCH_VM, "%s is not a VM's path", path);
	r = tvd_module_get_vm(d, id, vm);
	if (r == -ENODEV)
		return sd_bus_error_setf(err, TVD_ERROR_MODULE_NOT_LOADED,
					 "the thinvm module is not loaded");
	if (r == -ENOENT)
		return sd_bus_error_setf(err, TVD_ERROR_NO_SUCH_VM, "VM %u is gone", id);
	if (r)
		return sd_bus_error_setf(err, TVD_ERROR_MODULE_FAILED,
					 "VM %u: the module did not answer: %s", id, strerror(-r));
	return 0;
}

#define VM_GETTER(fn, sig, expr)						\
static int fn(sd_bus *bus, const char *path, const char *iface,		\
	      const char *prop, sd_bus_message *reply, void *userdata,	\
	      sd_bus_error *err)						\
{									\
	struct tnl_vm vm;						\
	int r = read_vm(bus, path, userdata, &vm, err);			\
									\
	(void)iface, (void)prop;					\
	return r < 0 ? r : sd_bus_message_append(reply, sig, expr);	\
}

VM_GETTER(get_id, "u", vm.id)
VM_GETTER(get_name, "s", vm.name)
VM_GETTER(get_pid, "u", vm.pid)
VM_GETTER(get_vcpus, "u", vm.vcpus)
VM_GETTER(get_mask, "t", vm.hc_exit_mask)
VM_GETTER(get_requested, "t", vm.hc_requested)
VM_GETTER(get_generation, "t", vm.policy_generation)

int tvd_bus_set_vm_mask(sd_bus_message *m, struct thinvmd *d, uint32_t id,
			uint64_t mask, sd_bus_error *err)
{
	char why[512];
	int r;

	/* Before the VM is looked at: whether it exists is not for anyone. */
	if (!tvd_authorize(m, TVD_ACTION_MANAGE, err))
		return -EACCES;
	r = tvd_module_set_vm(d, id, mask, false, why, sizeof(why));
	if (r)
		return tvd_module_error(err, r, why);
	log_at(LOG_NOTICE, "VM %u: hypercall exit mask %#llx set over D-Bus", id,
	       (unsigned long long)mask);
	tvd_bus_sync(d);
	return sd_bus_reply_method_return(m, NULL);
}

static int method_set_mask(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	uint32_t id;
	uint64_t mask;
	int r = sd_bus_message_read(m, "t", &mask);

	if (r < 0)
		return r;
	if (path_id(sd_bus_message_get_path(m), &id))
		return sd_bus_error_setf(err, TVD_ERROR_NO_SUCH_VM, "not a VM's path");
	return tvd_bus_set_vm_mask(m, userdata, id, mask, err);
}

/*
 * Read when asked. Changes thinvmd sees are signalled as invalidations:
 * names without values, since the values (the VM's name) are for those
 * who may read them.
 */
static const sd_bus_vtable vm_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Id", "u", get_id, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Name", "s", get_name, 0, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_PROPERTY("Pid", "u", get_pid, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("VCPUs", "u", get_vcpus, 0, 0),
	SD_BUS_PROPERTY("HypercallExitMask", "t", get_mask, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_PROPERTY("HypercallRequested", "t", get_requested, 0, 0),
	SD_BUS_PROPERTY("PolicyGeneration", "t", get_generation, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_METHOD_WITH_ARGS("SetHypercallExitMask", SD_BUS_ARGS("t", mask),
				SD_BUS_NO_RESULT, method_set_mask,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

int tvd_bus_vm_start(struct thinvmd *d)
{
	int r = sd_bus_add_fallback_vtable(d->bus, NULL, TVD_VM_PATH_PREFIX, TVD_VM_IFACE,
					   vm_vtable, find_vm, d);

	if (r >= 0)
		r = sd_bus_add_node_enumerator(d->bus, NULL, TVD_VM_PATH_PREFIX, list_vms, d);
	if (r >= 0)
		r = sd_bus_add_object_manager(d->bus, NULL, "/org/thinvm");
	return r;
}

static void vm_path(uint32_t id, char *buf, size_t size)
{
	snprintf(buf, size, TVD_VM_PATH_PREFIX "/%u", id);
}

void tvd_bus_vm_added(struct thinvmd *d, uint32_t id)
{
	char path[64];

	if (!d->bus)
		return;
	vm_path(id, path, sizeof(path));
	/* InterfacesAdded carries the properties: read as root, no caller. */
	if (sd_bus_emit_object_added(d->bus, path) < 0)
		log_at(LOG_DEBUG, "InterfacesAdded for %s failed", path);
}

void tvd_bus_vm_removed(struct thinvmd *d, uint32_t id)
{
	char path[64];

	if (!d->bus)
		return;
	vm_path(id, path, sizeof(path));
	if (sd_bus_emit_object_removed(d->bus, path) < 0)
		log_at(LOG_DEBUG, "InterfacesRemoved for %s failed", path);
}

void tvd_bus_vm_changed(struct thinvmd *d, uint32_t id)
{
	char path[64];

	if (!d->bus)
		return;
	vm_path(id, path, sizeof(path));
	if (sd_bus_emit_properties_changed(d->bus, path, TVD_VM_IFACE, "Name",
					   "HypercallExitMask", "PolicyGeneration", NULL) < 0)
		log_at(LOG_DEBUG, "PropertiesChanged for %s failed", path);
}
