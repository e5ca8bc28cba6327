// SPDX-License-Identifier: GPL-2.0
/*
 * thinvmd's D-Bus API on a private bus, without the module (tier 2 of
 * ../shared/testing.md): tests/bus/run.sh starts a dbus-daemon and runs this
 * program, which starts and stops thinvmd itself and prints one line per
 * test: "PASS bus/NAME", "FAIL bus/NAME: why".
 *
 * Usage: test_thinvmd_bus THINVMD BUS_ADDRESS WORK_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define NAME "org.thinvm.Manager1"
#define PATH "/org/thinvm/Manager1"
#define IFACE "org.thinvm.Manager1"

static const char *thinvmd, *address, *work;
static char config[512], state_dir[512], state_file[600], daemon_log[512];
static pid_t daemon_pid;
static sd_bus *bus;
static int failures;

/* The current test: its first failure is its line. */
static const char *test_name;
static bool test_failed;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	if (test_failed)
		return;
	test_failed = true;
	failures++;
	printf("FAIL bus/%s: ", test_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define CHECK(cond, ...) do { if (!(cond)) { fail(__VA_ARGS__); return; } } while (0)

static void run(const char *name, void (*fn)(void))
{
	test_name = name;
	test_failed = false;
	fn();
	if (!test_failed)
		printf("PASS bus/%s\n", name);
	fflush(stdout);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool name_has_owner(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int has = 0;

	if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "NameHasOwner", &e, &reply, "s",
			       NAME) >= 0)
		sd_bus_message_read(reply, "b", &has);
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	return has;
}

/*
 * Start thinvmd; returns its exit status if it ended within @wait_ms, else
 * -1 (as soon as it owns the name, unless @other_owner: another thinvmd
 * owns it already, so only its end tells).
 */
static int start_daemon_status(const char *conf, int wait_ms, bool other_owner)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		exit(2);
	if (pid == 0) {
		int fd = open(daemon_log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		dup2(fd, 2);
		dup2(fd, 1);
		setenv("DBUS_SYSTEM_BUS_ADDRESS", address, 1);
		execl(thinvmd, "thinvmd", "--config", conf, "--state-dir", state_dir,
		      "--user", "", "--verbose", (char *)NULL);
		_exit(127);
	}
	for (int t = 0; t < wait_ms; t += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (!other_owner && name_has_owner()) {
			daemon_pid = pid;
			return -1;
		}
		sleep_ms(20);
	}
	if (other_owner) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	} else {
		daemon_pid = pid;
	}
	return -1;
}

static bool start_daemon(void)
{
	return start_daemon_status(config, 5000, false) == -1 && name_has_owner();
}

static void stop_daemon(int sig)
{
	if (daemon_pid <= 0)
		return;
	kill(daemon_pid, sig);
	waitpid(daemon_pid, NULL, 0);
	daemon_pid = 0;
	for (int t = 0; t < 2000 && name_has_owner(); t += 20)
		sleep_ms(20);
}

/* Call a Manager1 method; 0 or the error's name in @err. */
static int call(sd_bus_error *err, sd_bus_message **reply, const char *member,
		const char *sig, ...)
{
	sd_bus_message *m = NULL;
	va_list ap;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, NAME, PATH, IFACE, member);
	if (r >= 0 && sig) {
		va_start(ap, sig);
		r = sd_bus_message_appendv(m, sig, ap);
		va_end(ap);
	}
	if (r >= 0)
		r = sd_bus_call(bus, m, 5 * 1000 * 1000, err, reply);
	sd_bus_message_unref(m);
	return r < 0 ? r : 0;
}

static char *get_string(const char *prop)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *s = NULL;

	sd_bus_get_property_string(bus, NAME, PATH, IFACE, prop, &e, &s);
	sd_bus_error_free(&e);
	return s;
}

static uint64_t get_u64(const char *prop)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	uint64_t v = 0xdeadbeef;

	sd_bus_get_property_trivial(bus, NAME, PATH, IFACE, prop, &e, 't', &v);
	sd_bus_error_free(&e);
	return v;
}

static uint32_t get_u32(const char *prop)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	uint32_t v = 0xdeadbeef;

	sd_bus_get_property_trivial(bus, NAME, PATH, IFACE, prop, &e, 'u', &v);
	sd_bus_error_free(&e);
	return v;
}

static bool prop_is(const char *prop, const char *want)
{
	char *s = get_string(prop);
	bool ok = s && !strcmp(s, want);

	free(s);
	return ok;
}

/* PropertiesChanged of Manager1, counted, with the names of the last one. */
static int changed_count;
static char changed_names[512];

static int on_changed(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	const char *iface, *name;
	int r;

	(void)userdata, (void)err;
	changed_count++;
	changed_names[0] = '\0';
	if (sd_bus_message_read(m, "s", &iface) < 0 ||
	    sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
		return 0;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		if (sd_bus_message_read(m, "s", &name) < 0)
			break;
		strncat(changed_names, name, sizeof(changed_names) - strlen(changed_names) - 2);
		strcat(changed_names, " ");
		sd_bus_message_skip(m, "v");
		sd_bus_message_exit_container(m);
	}
	sd_bus_message_exit_container(m);
	if (sd_bus_message_enter_container(m, 'a', "s") > 0) {
		while (sd_bus_message_read(m, "s", &name) > 0) {
			strncat(changed_names, name, sizeof(changed_names) - strlen(changed_names) - 2);
			strcat(changed_names, " ");
		}
	}
	return 0;
}

/* Let signals arrive for @ms. */
static void pump(int ms)
{
	for (int t = 0; t < ms; t += 10) {
		while (sd_bus_process(bus, NULL) > 0)
			;
		sd_bus_wait(bus, 10 * 1000);
	}
	while (sd_bus_process(bus, NULL) > 0)
		;
}

static void reset_files(const char *conf_text)
{
	char cmd[1100];

	write_file(config, conf_text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", state_dir, state_dir);
	if (system(cmd))
		exit(2);
}

/* --- the tests --- */

static const char *base_conf =
	"# tests/bus\n"
	"[policy]\n"
	"hypercall-ceiling = map_gpa_range\n"
	"hotplug-mode = reject\n";

static void test_answers_without_module(void)
{
	CHECK(prop_is("ModuleState", "not-loaded"), "ModuleState is not not-loaded");
	CHECK(prop_is("HotplugMode", "reject"), "HotplugMode is not the file's reject");
	CHECK(get_u64("HypercallCeiling") == 1u << 12, "HypercallCeiling %#llx, not the file's 0x1000",
	      (unsigned long long)get_u64("HypercallCeiling"));
	CHECK(get_u64("HypercallDefault") == 1u << 12, "HypercallDefault is not the ceiling");
	CHECK(get_u64("PolicyGeneration") == 0, "PolicyGeneration without a module");
}

static void test_module_not_loaded_error(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = call(&e, NULL, "SetVMHypercallExitMask", "ut", 1u, (uint64_t)0);

	CHECK(r < 0 && sd_bus_error_has_name(&e, "org.thinvm.Error.ModuleNotLoaded"),
	      "SetVMHypercallExitMask: %s (%s), not ModuleNotLoaded", e.name, e.message);
	sd_bus_error_free(&e);
}

static void test_introspection_names_arguments(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *xml = NULL;
	int r = sd_bus_call_method(bus, NAME, PATH, "org.freedesktop.DBus.Introspectable",
				   "Introspect", &e, &reply, NULL);

	if (r >= 0)
		r = sd_bus_message_read(reply, "s", &xml);
	CHECK(r >= 0 && xml, "Introspect: %s", e.message);
	CHECK(strstr(xml, "<arg type=\"t\" name=\"mask\" direction=\"in\"/>") &&
	      strstr(xml, "<arg type=\"u\" name=\"vm_id\" direction=\"in\"/>") &&
	      strstr(xml, "<arg type=\"s\" name=\"json\" direction=\"out\"/>") &&
	      strstr(xml, "<arg type=\"s\" name=\"reason\"/>"),
	      "introspection lacks argument names");
	CHECK(strstr(xml, "<method name=\"GetProfile\">") &&
	      strstr(xml, "<method name=\"SetVMMaxVCPUs\">") &&
	      strstr(xml, "<arg type=\"u\" name=\"vcpus\" direction=\"in\"/>") &&
	      strstr(xml, "<property name=\"VMMaxVCPUs\" type=\"u\" access=\"read\">"),
	      "introspection lacks GetProfile, SetVMMaxVCPUs(u vcpus) or VMMaxVCPUs");
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
}

struct bad_call {
	const char *member, *sig, *error, *message_part;
	union {
		const char *s;
		uint64_t t;
		uint32_t u;
	} arg;
};

static void test_bad_calls_named_errors(void)
{
	const struct bad_call cases[] = {
		{ "SetHotplugMode", "s", "org.thinvm.Error.InvalidPolicy", "sideways",
		  .arg.s = "sideways" },
		{ "SetHypercallDefault", "t", "org.thinvm.Error.InvalidPolicy",
		  "hypercall-ceiling", .arg.t = 1u << 5 },
		{ "SetHyperVVCPULimit", "u", "org.thinvm.Error.InvalidPolicy", "hyperv-vcpu-limit",
		  .arg.u = 0 },
		{ "SetHyperVVCPULimit", "u", "org.thinvm.Error.InvalidPolicy", "4097",
		  .arg.u = 4097 },
	};
	uint64_t ceiling = get_u64("HypercallCeiling");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_call *c = &cases[i];
		sd_bus_error e = SD_BUS_ERROR_NULL;
		int r;

		if (c->sig[0] == 's')
			r = call(&e, NULL, c->member, c->sig, c->arg.s);
		else if (c->sig[0] == 't')
			r = call(&e, NULL, c->member, c->sig, c->arg.t);
		else
			r = call(&e, NULL, c->member, c->sig, c->arg.u);
		CHECK(r < 0 && sd_bus_error_has_name(&e, c->error) && e.message &&
		      strstr(e.message, c->message_part),
		      "%s: got %s \"%s\", want %s naming \"%s\"", c->member, e.name, e.message,
		      c->error, c->message_part);
		sd_bus_error_free(&e);
	}
	{
		sd_bus_error e = SD_BUS_ERROR_NULL;
		int r = call(&e, NULL, "SetHiddenFeatures", "as", 2, "pml", "warp-drive");

		CHECK(r < 0 && sd_bus_error_has_name(&e, "org.thinvm.Error.InvalidPolicy") &&
		      strstr(e.message, "warp-drive"), "SetHiddenFeatures: %s %s", e.name, e.message);
		sd_bus_error_free(&e);
		r = call(&e, NULL, "ResetPolicy", "as", 1, "colour");
		CHECK(r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS),
		      "ResetPolicy(colour): %s", e.name);
		sd_bus_error_free(&e);
		r = call(&e, NULL, "SetHotplugMode", "u", 7u);
		CHECK(r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS),
		      "SetHotplugMode with a number: %s", e.name);
		sd_bus_error_free(&e);
	}
	CHECK(get_u64("HypercallCeiling") == ceiling && prop_is("HotplugMode", "reject"),
	      "a refused call changed a property");
	CHECK(access(state_file, F_OK) != 0, "a refused call wrote %s", state_file);
}

static void test_properties_changed_only_on_change(void)
{
	sd_bus_slot *slot = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_match_signal(bus, &slot, NAME, PATH, "org.freedesktop.DBus.Properties",
				"PropertiesChanged", on_changed, NULL);
	CHECK(r >= 0, "match: %s", strerror(-r));
	pump(100);
	changed_count = 0;
	r = call(&e, NULL, "SetHotplugMode", "s", "reject-while-running");
	pump(300);
	CHECK(r == 0, "SetHotplugMode: %s", e.message);
	CHECK(changed_count == 1 && strstr(changed_names, "HotplugMode") &&
	      strstr(changed_names, "OverriddenFields") && !strstr(changed_names, "Ceiling"),
	      "%d PropertiesChanged after a change (%s), want one naming HotplugMode and OverriddenFields",
	      changed_count, changed_names);
	changed_count = 0;
	r = call(&e, NULL, "SetHotplugMode", "s", "reject-while-running");
	pump(300);
	CHECK(r == 0 && changed_count == 0, "%d PropertiesChanged after setting the same value",
	      changed_count);
	r = call(&e, NULL, "SetHotplugMode", "s", "nonsense");
	sd_bus_error_free(&e);
	pump(300);
	CHECK(r < 0 && changed_count == 0, "%d PropertiesChanged after a refused call",
	      changed_count);
	r = call(&e, NULL, "SetHypercallDefault", "t", (uint64_t)0);
	pump(300);
	CHECK(r == 0 && changed_count == 1 && strstr(changed_names, "HypercallDefault"),
	      "SetHypercallDefault(0): %d signals (%s)", changed_count, changed_names);
	CHECK(file_contains(state_file, "hotplug-mode = reject-while-running") &&
	      file_contains(state_file, "hypercall-default = none"),
	      "%s does not hold the two settings", state_file);
	sd_bus_slot_unref(slot);
	sd_bus_error_free(&e);
}

static void check_persisted(void)
{
	CHECK(prop_is("HotplugMode", "reject-while-running") && get_u64("HypercallDefault") == 0,
	      "the settings made over D-Bus are gone after the restart");
	CHECK(get_u64("HypercallCeiling") == 1u << 12, "the file's ceiling is gone after the restart");
}

static void test_survives_restart(void)
{
	stop_daemon(SIGTERM);
	CHECK(start_daemon(), "thinvmd did not come back (log %s)", daemon_log);
	check_persisted();
}

static void test_survives_kill9(void)
{
	stop_daemon(SIGKILL);
	CHECK(start_daemon(), "thinvmd did not come back (log %s)", daemon_log);
	check_persisted();
}

static void test_reset_policy(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = call(&e, NULL, "ResetPolicy", "as", 1, "hypercall-default");

	CHECK(r == 0, "ResetPolicy: %s", e.message);
	CHECK(get_u64("HypercallDefault") == 1u << 12 && prop_is("HotplugMode", "reject-while-running"),
	      "ResetPolicy(hypercall-default) did not restore just that field");
	CHECK(!file_contains(state_file, "hypercall-default"), "the reset field is still saved");
	sd_bus_error_free(&e);
}

/* SetPolicy(a{sv}): all the fields or none of them. */
static void test_set_policy_whole_or_nothing(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = call(&e, NULL, "SetPolicy", "a{sv}", 2, "hotplug-mode", "s", "reject",
		     "hypercall-default", "t", (uint64_t)0);

	CHECK(r == 0, "SetPolicy(hotplug-mode, hypercall-default): %s", e.message);
	CHECK(prop_is("HotplugMode", "reject") && get_u64("HypercallDefault") == 0,
	      "SetPolicy did not set both fields");
	CHECK(file_contains(state_file, "hotplug-mode = reject\n") &&
	      file_contains(state_file, "hypercall-default = none"),
	      "%s does not hold both fields", state_file);
	r = call(&e, NULL, "SetPolicy", "a{sv}", 2, "hotplug-mode", "s", "reject-while-running",
		 "hypercall-default", "t", (uint64_t)1 << 5);
	CHECK(r < 0 && sd_bus_error_has_name(&e, "org.thinvm.Error.InvalidPolicy"),
	      "a default above the ceiling: %s, want InvalidPolicy", e.name);
	CHECK(prop_is("HotplugMode", "reject") && get_u64("HypercallDefault") == 0,
	      "a refused SetPolicy changed the field that was right on its own");
	sd_bus_error_free(&e);
	r = call(&e, NULL, "SetPolicy", "a{sv}", 1, "colour", "s", "blue");
	CHECK(r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS) &&
	      strstr(e.message, "colour"), "an unknown key: %s %s", e.name, e.message);
	sd_bus_error_free(&e);
	r = call(&e, NULL, "SetPolicy", "a{sv}", 1, "hotplug-mode", "u", 7u);
	CHECK(r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS) &&
	      strstr(e.message, "type"), "a wrong type: %s %s", e.name, e.message);
	sd_bus_error_free(&e);
	r = call(&e, NULL, "SetPolicy", "a{sv}", 2, "hotplug-mode", "s", "reject",
		 "hotplug-mode", "s", "reject");
	CHECK(r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS) &&
	      strstr(e.message, "twice"), "a key twice: %s %s", e.name, e.message);
	sd_bus_error_free(&e);
	/* As before, for the tests that follow. */
	r = call(&e, NULL, "SetPolicy", "a{sv}", 1, "hotplug-mode", "s", "reject-while-running");
	if (r == 0)
		r = call(&e, NULL, "ResetPolicy", "as", 1, "hypercall-default");
	CHECK(r == 0, "restoring the policy: %s", e.message);
	sd_bus_error_free(&e);
}

static void test_reload_bad_file_keeps_policy(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	write_file(config, "[policy]\nhypercall-ceiling = none\nhotplug-mode = sometimes\n");
	r = call(&e, NULL, "Reload", NULL);
	CHECK(r < 0 && sd_bus_error_has_name(&e, "org.thinvm.Error.InvalidConfig") &&
	      strstr(e.message, ":3: ") && strstr(e.message, "sometimes"),
	      "Reload of a bad file: %s \"%s\", want InvalidConfig naming line 3", e.name, e.message);
	CHECK(get_u64("HypercallCeiling") == 1u << 12, "a refused reload changed the ceiling");
	sd_bus_error_free(&e);
}

static void test_reload_good_file(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	write_file(config, "[policy]\nhypercall-ceiling = none\nhypercall-default = none\n");
	changed_count = 0;
	r = call(&e, NULL, "Reload", NULL);
	CHECK(r == 0, "Reload: %s", e.message);
	CHECK(get_u64("HypercallCeiling") == 0, "the reloaded ceiling is not in force");
	CHECK(prop_is("HotplugMode", "reject-while-running"), "the D-Bus setting was lost on reload");
	sd_bus_error_free(&e);
}

static void test_describe_json(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *text = NULL;
	json_object *root, *v, *mod, *pol;
	int r = call(&e, &reply, "Describe", NULL);

	if (!r)
		r = sd_bus_message_read(reply, "s", &text);
	CHECK(r >= 0 && text, "Describe: %s", e.message);
	root = json_tokener_parse(text);
	CHECK(root, "Describe() is not JSON");
	CHECK(json_object_object_get_ex(root, "version", &v) && json_object_get_int(v) == 1 &&
	      json_object_object_get_ex(root, "module", &mod) &&
	      json_object_object_get_ex(mod, "loaded", &v) && !json_object_get_boolean(v) &&
	      json_object_object_get_ex(root, "policy", &pol) &&
	      json_object_object_get_ex(pol, "hotplug-mode", &v) &&
	      !strcmp(json_object_get_string(v), "reject-while-running"),
	      "Describe() lacks version 1, module.loaded false or the hotplug mode");
	json_object_put(root);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
}

/* As user nobody, on a connection of its own. */
static void test_non_root_refused(void)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sd_bus *b = NULL;
		sd_bus_error e = SD_BUS_ERROR_NULL;
		char *mode = NULL;
		int r;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		setenv("DBUS_SYSTEM_BUS_ADDRESS", address, 1);
		if (sd_bus_open_system(&b) < 0)
			_exit(11);
		r = sd_bus_call_method(b, NAME, PATH, IFACE, "SetHotplugMode", &e, NULL, "s",
				       "reject");
		if (r >= 0 || !sd_bus_error_has_name(&e, SD_BUS_ERROR_ACCESS_DENIED) ||
		    !strstr(e.message, "polkit"))
			_exit(12);
		sd_bus_error_free(&e);
		r = sd_bus_call_method(b, NAME, PATH, IFACE, "Describe", &e, NULL, NULL);
		if (r >= 0 || !sd_bus_error_has_name(&e, SD_BUS_ERROR_ACCESS_DENIED))
			_exit(13);
		sd_bus_error_free(&e);
		/* Reading the policy is open to all, as sysfs is. */
		if (sd_bus_get_property_string(b, NAME, PATH, IFACE, "HotplugMode", &e, &mode) < 0)
			_exit(14);
		/* The profile says what the host can do: as Describe(), inspect. */
		r = sd_bus_call_method(b, NAME, PATH, IFACE, "GetProfile", &e, NULL, NULL);
		if (r >= 0 || !sd_bus_error_has_name(&e, SD_BUS_ERROR_ACCESS_DENIED))
			_exit(15);
		sd_bus_error_free(&e);
		r = sd_bus_call_method(b, NAME, PATH, IFACE, "SetVMMaxVCPUs", &e, NULL, "u", 2u);
		if (r >= 0 || !sd_bus_error_has_name(&e, SD_BUS_ERROR_ACCESS_DENIED))
			_exit(16);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "as nobody: step %d failed (10-11 setup, 12 SetHotplugMode not AccessDenied, 13 Describe not AccessDenied, 14 property read refused, 15 GetProfile not AccessDenied, 16 SetVMMaxVCPUs not AccessDenied)",
	      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	CHECK(prop_is("HotplugMode", "reject-while-running"), "nobody changed the hotplug mode");
}

/* GetProfile() needs the module: a named error without it, not a crash. */
static void test_get_profile_without_module(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = call(&e, NULL, "GetProfile", NULL);

	CHECK(r < 0 && sd_bus_error_has_name(&e, "org.thinvm.Error.ModuleNotLoaded") &&
	      e.message && strstr(e.message, "not loaded"),
	      "GetProfile without the module: %s \"%s\", want ModuleNotLoaded", e.name, e.message);
	sd_bus_error_free(&e);
	r = call(&e, NULL, "GetProfile", "u", 1u);
	CHECK(r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS),
	      "GetProfile with an argument: %s, want InvalidArgs", e.name);
	sd_bus_error_free(&e);
}

/* vm-max-vcpus: property, setter, SetPolicy(), ResetPolicy(), saved state. */
static void test_vm_max_vcpus(void)
{
	sd_bus_slot *slot = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	CHECK(get_u32("VMMaxVCPUs") == 0, "VMMaxVCPUs %u without a module or a setting, want 0",
	      get_u32("VMMaxVCPUs"));
	r = call(&e, NULL, "SetVMMaxVCPUs", "u", 0u);
	CHECK(r < 0 && sd_bus_error_has_name(&e, "org.thinvm.Error.InvalidPolicy") &&
	      strstr(e.message, "vm-max-vcpus 0"), "SetVMMaxVCPUs(0): %s \"%s\"", e.name, e.message);
	sd_bus_error_free(&e);
	r = call(&e, NULL, "SetVMMaxVCPUs", "s", "16");
	CHECK(r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS),
	      "SetVMMaxVCPUs with a string: %s", e.name);
	sd_bus_error_free(&e);
	CHECK(get_u32("VMMaxVCPUs") == 0 && !file_contains(state_file, "vm-max-vcpus"),
	      "a refused SetVMMaxVCPUs changed the property or the saved state");

	r = sd_bus_match_signal(bus, &slot, NAME, PATH, "org.freedesktop.DBus.Properties",
				"PropertiesChanged", on_changed, NULL);
	CHECK(r >= 0, "match: %s", strerror(-r));
	pump(100);
	changed_count = 0;
	r = call(&e, NULL, "SetVMMaxVCPUs", "u", 16u);
	pump(300);
	CHECK(r == 0, "SetVMMaxVCPUs(16): %s", e.message);
	CHECK(get_u32("VMMaxVCPUs") == 16, "VMMaxVCPUs %u after SetVMMaxVCPUs(16)", get_u32("VMMaxVCPUs"));
	CHECK(changed_count == 1 && strstr(changed_names, "VMMaxVCPUs") &&
	      strstr(changed_names, "OverriddenFields"),
	      "%d PropertiesChanged (%s), want one naming VMMaxVCPUs and OverriddenFields",
	      changed_count, changed_names);
	CHECK(file_contains(state_file, "vm-max-vcpus = 16\n"), "%s does not hold vm-max-vcpus = 16",
	      state_file);
	sd_bus_slot_unref(slot);

	r = call(&e, NULL, "SetPolicy", "a{sv}", 1, "vm-max-vcpus", "s", "8");
	CHECK(r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS) &&
	      strstr(e.message, "'u'"), "SetPolicy(vm-max-vcpus as a string): %s %s", e.name, e.message);
	sd_bus_error_free(&e);
	r = call(&e, NULL, "SetPolicy", "a{sv}", 2, "vm-max-vcpus", "u", 8u,
		 "hyperv-vcpu-limit", "u", 0u);
	CHECK(r < 0 && sd_bus_error_has_name(&e, "org.thinvm.Error.InvalidPolicy") &&
	      get_u32("VMMaxVCPUs") == 16,
	      "SetPolicy with a bad Hyper-V limit: %s, VMMaxVCPUs %u (want InvalidPolicy, 16)",
	      e.name, get_u32("VMMaxVCPUs"));
	sd_bus_error_free(&e);
	r = call(&e, NULL, "SetPolicy", "a{sv}", 1, "vm-max-vcpus", "u", 8u);
	CHECK(r == 0 && get_u32("VMMaxVCPUs") == 8, "SetPolicy(vm-max-vcpus 8): %s, VMMaxVCPUs %u",
	      e.message, get_u32("VMMaxVCPUs"));

	stop_daemon(SIGTERM);
	CHECK(start_daemon(), "thinvmd did not come back (log %s)", daemon_log);
	CHECK(get_u32("VMMaxVCPUs") == 8, "VMMaxVCPUs %u after a restart, want 8", get_u32("VMMaxVCPUs"));

	r = call(&e, NULL, "ResetPolicy", "as", 1, "vm-max-vcpus");
	CHECK(r == 0 && get_u32("VMMaxVCPUs") == 0 && !file_contains(state_file, "vm-max-vcpus"),
	      "ResetPolicy(vm-max-vcpus): %s, VMMaxVCPUs %u", e.message, get_u32("VMMaxVCPUs"));
	sd_bus_error_free(&e);
}

static void test_bad_config_refuses_start(void)
{
	char bad[600];
	int rc;

	stop_daemon(SIGTERM);
	snprintf(bad, sizeof(bad), "%s/bad.conf", work);
	write_file(bad, "[policy]\n\nhypercall-ceiling = teleport\n");
	rc = start_daemon_status(bad, 5000, false);
	CHECK(rc == 78, "thinvmd with a bad file: exit %d, want 78 (EX_CONFIG)", rc);
	CHECK(file_contains(daemon_log, "bad.conf:3: hypercall-ceiling"),
	      "its log does not name bad.conf:3 (see %s)", daemon_log);
}

static void test_name_taken(void)
{
	int rc;

	CHECK(start_daemon(), "thinvmd did not start");
	rc = start_daemon_status(config, 5000, true);
	CHECK(rc == 1, "a second thinvmd: exit %d, want 1", rc);
	CHECK(file_contains(daemon_log, "cannot serve org.thinvm.Manager1"),
	      "its log does not say the name is taken");
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s THINVMD BUS_ADDRESS WORK_DIR\n", argv[0]);
		return 2;
	}
	thinvmd = argv[1];
	address = argv[2];
	work = argv[3];
	snprintf(config, sizeof(config), "%s/thinvm.conf", work);
	snprintf(state_dir, sizeof(state_dir), "%s/state", work);
	snprintf(state_file, sizeof(state_file), "%s/policy.conf", state_dir);
	snprintf(daemon_log, sizeof(daemon_log), "%s/thinvmd.log", work);
	if (sd_bus_open_system(&bus) < 0) {
		printf("FAIL bus/connect: no bus at %s\n", address);
		return 1;
	}
	reset_files(base_conf);
	if (!start_daemon()) {
		printf("FAIL bus/start: thinvmd did not take %s (log %s)\n", NAME, daemon_log);
		return 1;
	}
	printf("PASS bus/start\n");
	run("answers-without-module", test_answers_without_module);
	run("module-not-loaded-error", test_module_not_loaded_error);
	run("introspection-names-arguments", test_introspection_names_arguments);
	run("bad-calls-named-errors", test_bad_calls_named_errors);
	run("properties-changed-only-on-change", test_properties_changed_only_on_change);
	run("survives-restart", test_survives_restart);
	run("survives-kill-9", test_survives_kill9);
	run("non-root-refused", test_non_root_refused);
	run("describe-json", test_describe_json);
	run("reset-policy", test_reset_policy);
	run("set-policy-whole-or-nothing", test_set_policy_whole_or_nothing);
	run("reload-bad-file-keeps-policy", test_reload_bad_file_keeps_policy);
	run("reload-good-file", test_reload_good_file);
	run("get-profile-without-module", test_get_profile_without_module);
	run("vm-max-vcpus", test_vm_max_vcpus);
	run("bad-config-refuses-start", test_bad_config_refuses_start);
	run("name-taken", test_name_taken);
	stop_daemon(SIGTERM);
	return failures ? 1 : 0;
}
