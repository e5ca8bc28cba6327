# The example guests of vmctl run (included by the top Makefile).
#
# Each guest is built twice from the same code: build/guests/NAME.elf, a
# multiboot (v1) ELF32 image, and build/guests/NAME.bin, its flat binary
# (objcopy -O binary), which loads and starts at 1 MiB as well.
#
# 32-bit freestanding code from Debian's 64-bit gcc: -m32 needs no
# gcc-multilib as long as nothing links libc or libgcc (hence udivmod64 in
# the runtime). -mgeneral-regs-only keeps out SSE, which the guests' CR4
# does not enable; -fno-tree-loop-distribute-patterns keeps gcc from turning
# the runtime's own memset loop into a call to memset.

OBJCOPY ?= objcopy

GUEST_NAMES := hello hypercall exitrate
GUEST_DIR := $(BUILD)/guests
GUEST_RUNTIME := $(GUEST_DIR)/crt0.o $(GUEST_DIR)/runtime.o
GUESTS := $(foreach g,$(GUEST_NAMES),$(GUEST_DIR)/$(g).elf $(GUEST_DIR)/$(g).bin)
GUEST_CFLAGS := -m32 -march=i686 -std=gnu11 $(WARNINGS) -O2 -g \
	-ffreestanding -fno-pic -fno-pie -nostdlib -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
	-mgeneral-regs-only
GUEST_LDFLAGS := -m elf_i386 -nostdlib --build-id=none -z max-page-size=0x1000 \
	-z noexecstack -T guests/guest.ld

.PHONY: guests install-guests
guests: $(GUESTS)
# Built with the rest of userspace, installed with the rest.
userspace: guests
install: install-guests

$(GUEST_DIR)/%.o: guests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c -o $@ $<

$(GUEST_DIR)/%.o: guests/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c -o $@ $<

$(GUEST_DIR)/%.elf: $(GUEST_DIR)/%.o $(GUEST_RUNTIME) guests/guest.ld
	$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_RUNTIME) $<

$(GUEST_DIR)/%.bin: $(GUEST_DIR)/%.elf
	$(OBJCOPY) -O binary $< $@

install-guests: guests
	install -d $(DESTDIR)$(PREFIX)/share/thinvm/guests
	install -m 0644 $(GUESTS) $(DESTDIR)$(PREFIX)/share/thinvm/guests/

-include $(wildcard $(GUEST_DIR)/*.d)
