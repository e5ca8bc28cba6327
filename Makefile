# thinvm: the one entry point.
#
#   make            module (against the installed Debian kernel headers) and
#                   the userspace parts
#   make check      unit tests and every emulated-host lane; ends with
#                   "N passed, N failed, N skipped"
#   make demo       boots an emulated SVM host and shows thinvm at work
#   make install    module, binaries, systemd files, man pages
#                   (DESTDIR and PREFIX honoured)
#
# Missing Debian packages are installed first by scripts/deps.sh.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build
# dbus-daemon reads bus policies from /usr/share and /etc only; activation
# files and polkit actions go to /usr/share whatever PREFIX is, the one
# place dbus-daemon and polkitd read them from.
DBUS_POLICY_DIR ?= $(if $(filter /usr,$(PREFIX)),/usr/share/dbus-1/system.d,/etc/dbus-1/system.d)

# Resolved when first used, after scripts/deps.sh has installed the headers.
KVER = $(shell scripts/kver.sh)
KDIR = /lib/modules/$(KVER)/build

CC ?= cc
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wformat=2
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -Iinclude/uapi -Iinclude -Ilib
# libnl for lib/thinvm_nl.c, so for everything that links lib/*.o. Resolved
# when used, like KVER, after scripts/deps.sh has installed it.
NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)
CFLAGS += $(NL_CFLAGS)
# thinvmd's libraries (and the unit tests', which test its parts).
DAEMON_PKGS := libsystemd libcap inih json-c
DAEMON_CFLAGS = $(shell pkg-config --cflags $(DAEMON_PKGS))
DAEMON_LIBS = $(shell pkg-config --libs $(DAEMON_PKGS))
# vmctl's: D-Bus and JSON.
VMCTL_PKGS := libsystemd json-c
VMCTL_CFLAGS = $(shell pkg-config --cflags $(VMCTL_PKGS))
VMCTL_LIBS = $(shell pkg-config --libs $(VMCTL_PKGS))

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
# The profile's JSON form needs json-c, which the emulated-host test programs
# do without: they link the rest.
LIB_JSON_OBJS := $(BUILD)/lib/thinvm_profile.o
LIB_PLAIN_OBJS := $(filter-out $(LIB_JSON_OBJS),$(LIB_OBJS))
VMTEST_LIB := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/vm/lib/*.c))
VMPROG_SRCS := $(wildcard tests/vm/progs/*.c)
VMPROGS := $(VMPROG_SRCS:tests/vm/progs/%.c=$(BUILD)/vmprogs/%)
# Examples are plain KVM API programs, without the test library.
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLES := $(EXAMPLE_SRCS:examples/%.c=$(BUILD)/vmprogs/example_%)
CLI_SRCS := $(wildcard cli/*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
VMCTL := $(BUILD)/vmctl
DAEMON_SRCS := $(wildcard daemon/*.c)
DAEMON_OBJS := $(DAEMON_SRCS:%.c=$(BUILD)/%.o)
# The module's own checks of VM names and hypercall masks, shared.
DAEMON_KMOD_SRCS := kmod/policy_rules.c kmod/hypercall_rules.c
DAEMON_KMOD_OBJS := $(DAEMON_KMOD_SRCS:%.c=$(BUILD)/%.o)
THINVMD := $(BUILD)/thinvmd
BUS_TEST := $(BUILD)/tests/bus/test_thinvmd_bus
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BIN := $(BUILD)/unit-tests
# Decision logic shared with the module, compiled for the unit tests.
SHARED_KMOD_SRCS := kmod/cpuid_rules.c kmod/hypercall_rules.c kmod/policy_rules.c kmod/admission_rules.c kmod/hwcaps.c kmod/memslot_rules.c kmod/sregs_rules.c \
	kmod/msr_rules.c kmod/decode.c kmod/guest_walk.c kmod/feature_rules.c kmod/vmx/config_rules.c \
	kmod/xsave_rules.c

.PHONY: all deps module userspace vmprogs unit check demo bench bench-profile install \
	install-tests clean
all: deps module userspace

deps:
	@scripts/deps.sh

module: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod W=1 modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/bench/floor W=1 modules

userspace: deps $(VMCTL) $(THINVMD) $(BUS_TEST) vmprogs $(UNIT_BIN)

vmprogs: $(VMPROGS) $(EXAMPLES)

# Examples follow the kernel's style of short programs, not -Wshadow etc.
$(BUILD)/vmprogs/example_%: examples/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/vmprogs/%: tests/vm/progs/%.c $(VMTEST_LIB) $(LIB_PLAIN_OBJS)
	@mkdir -p $(dir $@)
	@mkdir -p $(BUILD)/deps
	$(CC) $(CFLAGS) -Itests/vm/lib -MMD -MP -MF $(BUILD)/deps/$(notdir $@).d \
		-o $@ $< $(VMTEST_LIB) $(LIB_PLAIN_OBJS) $(NL_LIBS) -lm -pthread

$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(VMCTL_CFLAGS) -MMD -MP -c -o $@ $<

# vmctl run checks VM names with the module's own rule (policy_rules.c).
$(VMCTL): $(CLI_OBJS) $(LIB_OBJS) $(DAEMON_KMOD_OBJS)
	$(CC) $(CFLAGS) -pthread -o $@ $^ $(NL_LIBS) $(VMCTL_LIBS)

$(BUILD)/daemon/%.o: daemon/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DAEMON_CFLAGS) -Ikmod -MMD -MP -c -o $@ $<

$(BUILD)/kmod/%.o: kmod/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ikmod -MMD -MP -c -o $@ $<

$(THINVMD): $(DAEMON_OBJS) $(DAEMON_KMOD_OBJS) $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(NL_LIBS) $(DAEMON_LIBS)

$(BUS_TEST): tests/bus/test_thinvmd_bus.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DAEMON_CFLAGS) -o $@ $< $(DAEMON_LIBS)

# Everything but main() of vmctl and thinvmd is unit-tested.
UNIT_OBJS = $(LIB_OBJS) $(filter-out %/vmctl.o,$(CLI_OBJS)) \
	$(filter-out %/main.o,$(DAEMON_OBJS))
# The benchmark's statistics, plain C in the emulated-host test library.
BENCH_STATS_SRCS := tests/vm/lib/bench_stats.c
$(UNIT_BIN): $(UNIT_SRCS) $(SHARED_KMOD_SRCS) $(BENCH_STATS_SRCS) $(UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DAEMON_CFLAGS) -Ikmod -Idaemon -Itests/vm/lib -o $@ $(UNIT_SRCS) \
		$(SHARED_KMOD_SRCS) $(BENCH_STATS_SRCS) $(UNIT_OBJS) -lcriterion -lm $(NL_LIBS) \
		$(DAEMON_LIBS)

unit: deps $(UNIT_BIN)
	$(UNIT_BIN)

check: all
	tests/check.sh

demo: all
	tests/demo.sh

# Exit costs against KVM and a bare VMRUN loop, in one lane-1 boot
# (tests/bench/README.md); not part of make check. ICOUNT=1 runs QEMU with
# -icount shift=0 (one guest "ns" per executed instruction) instead of
# wall-clock; BENCH_ITERS and BENCH_RUNS size the runs.
ICOUNT ?=
BENCH_ITERS ?= 2000
BENCH_RUNS ?= 5
bench: all
	tests/bench/run.sh $(if $(filter-out 0,$(ICOUNT)),--icount) \
		--iters $(BENCH_ITERS) --runs $(BENCH_RUNS)

# Where one round trip of a row goes on thinvm, instruction by instruction
# (gdb single-steps it in lane 1; tests/bench/README.md). ROW: hc pio map
# cpuid mmio.
ROW ?= hc
bench-profile: all
	tests/bench/profile.sh $(ROW)

install: all
	install -D -m 0644 kmod/thinvm.ko \
		$(DESTDIR)/lib/modules/$(KVER)/extra/thinvm.ko
	install -D -m 0755 $(VMCTL) $(DESTDIR)$(PREFIX)/bin/vmctl
	install -D -m 0755 $(THINVMD) $(DESTDIR)$(PREFIX)/sbin/thinvmd
	install -D -m 0644 systemd/thinvm-modules-load.conf \
		$(DESTDIR)$(PREFIX)/lib/modules-load.d/thinvm.conf
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/sbin/thinvmd|$(PREFIX)/sbin/thinvmd|g' systemd/thinvmd.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/thinvmd.service
	install -D -m 0644 systemd/thinvm-sysusers.conf \
		$(DESTDIR)$(PREFIX)/lib/sysusers.d/thinvm.conf
	install -D -m 0644 systemd/org.thinvm.Manager1.conf \
		$(DESTDIR)$(DBUS_POLICY_DIR)/org.thinvm.Manager1.conf
	install -D -m 0644 systemd/org.thinvm.Manager1.service \
		$(DESTDIR)/usr/share/dbus-1/system-services/org.thinvm.Manager1.service
	install -D -m 0644 systemd/org.thinvm.policy \
		$(DESTDIR)/usr/share/polkit-1/actions/org.thinvm.policy
	install -D -m 0644 man/thinvm.4 $(DESTDIR)$(PREFIX)/share/man/man4/thinvm.4
	install -D -m 0644 man/vmctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/vmctl.8
	install -D -m 0644 man/thinvmd.8 $(DESTDIR)$(PREFIX)/share/man/man8/thinvmd.8
	install -D -m 0644 man/thinvm.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/thinvm.conf.5
	install -D -m 0644 completion/vmctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vmctl
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); \
		systemd-sysusers $(PREFIX)/lib/sysusers.d/thinvm.conf || true; fi

# The emulated-host test programs, for test roots (lane 3), not for users.
install-tests: userspace
	install -d $(DESTDIR)$(PREFIX)/lib/thinvm/tests
	install -m 0755 $(VMPROGS) $(EXAMPLES) tests/vm/run-tests.sh \
		$(DESTDIR)$(PREFIX)/lib/thinvm/tests/

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/bench/floor clean
	rm -rf $(BUILD)

# Keep objects that only pattern rules mention (make would delete them).
.SECONDARY:

# After the first target: the example guests of vmctl run.
include guests/guests.mk

-include $(shell find $(BUILD)/deps $(BUILD)/lib $(BUILD)/cli $(BUILD)/daemon $(BUILD)/kmod $(BUILD)/tests -type f -name '*.d' 2>/dev/null)
