# mtuguard - one entry point: build, test, demo, bench, install.
#   make            build everything into build/
#   make test       deps, build, unit + integration tests (as root)
#   make test-kernels  unit + smoke tests on Debian's 5.10, 6.1 and 6.12
#                   kernels, each booted in qemu (as root)
#   make demo       the black-hole / misrouted-ICMP lab
#   make bench      benchmarks
#   V=1             show full commands

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
CLANG    ?= clang
CC       ?= cc
BPFTOOL  ?= bpftool
ARCH     := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif

LIBBPF_CFLAGS := $(shell pkg-config --cflags libbpf 2>/dev/null)
LIBBPF_LIBS   := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz

CFLAGS   ?= -O2 -g
CFLAGS   += -Wall -Werror -MMD -MP -Iinclude -I$(BUILD) $(LIBBPF_CFLAGS) -D_GNU_SOURCE
BPF_CFLAGS := -g -O2 --target=bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -MMD -MP -Iinclude -Ivmlinux -Ibpf

BPF_OBJ   := $(BUILD)/mtuguard.bpf.o
SKEL      := $(BUILD)/mtuguard.skel.h
USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(USER_SRCS))
# Everything in user/ but main.c is a library the tests link too.
LIB_OBJS  := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRCS))
TOOL_SRCS := $(filter-out %.bpf.c,$(wildcard tools/*.c))
# tools/*.bpf.c: BPF helpers of the tools (bench), each with its skeleton.
TOOL_BPF_SRCS := $(wildcard tools/*.bpf.c)
TOOL_SKELS := $(patsubst tools/%.bpf.c,$(BUILD)/tools/%.skel.h,$(TOOL_BPF_SRCS))
.SECONDARY: $(TOOL_SKELS) $(TOOL_SKELS:.skel.h=.bpf.o)
TOOL_BINS := $(patsubst tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))

.PHONY: all deps test test-kernels unit integration demo demo-clean bench install uninstall clean vmlinux

all: $(BUILD)/mtuguard $(BUILD)/unit_tests $(TOOL_BINS)

deps:
	$(Q)tools/deps.sh

$(BPF_OBJ): bpf/mtuguard.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name mtuguard_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c $(SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/mtuguard: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBBPF_LIBS) -o $@

$(BUILD)/unit_tests: $(UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBBPF_LIBS) -o $@

$(BUILD)/tools/%.bpf.o: tools/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tools/%.skel.h: $(BUILD)/tools/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/tools/%: tools/%.c $(SKEL) $(TOOL_SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< $(filter %.o,$^) $(LIBBPF_LIBS) -o $@

# Every loader of the object prepares it for the kernel as the CLI does.
$(BUILD)/tools/verifier_stats: $(BUILD)/user/datapath.o

# The benchmark configures interfaces as the CLI does.
$(BUILD)/tools/bench_pkt: $(BUILD)/user/datapath.o $(BUILD)/user/iface_fast.o $(BUILD)/user/prefix_filter.o \
			  $(BUILD)/user/v6_shards.o

$(BUILD):
	$(Q)mkdir -p $@

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run.sh

unit: all
	$(Q)tests/run.sh unit

# tests/kernels/matrix.sh: downloads the kernel packages once (cache:
# $$MTUG_KERNEL_CACHE, default build/kernels).
test-kernels: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(BUILD) tests/kernels/matrix.sh $(KERNELS)

integration: all
	$(Q)tests/run.sh integration

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh $(ARGS)

demo-clean:
	$(Q)tools/demo.sh --clean

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/bench.sh $(ARGS)

# install / uninstall, under $(DESTDIR)$(PREFIX) (PREFIX=/usr/local):
#   sbin/mtuguard                                 the CLI
#   share/man/man8/mtuguard.8                     man page
#   lib/systemd/system/mtuguard.service           unit (ExecStart: $(SBINDIR))
#   share/doc/mtuguard/mtuguard.conf.example      commented example config
#   share/bash-completion/completions/mtuguard    bash completion
# /etc is never written: copy the example to /etc/mtuguard.conf yourself,
# then `systemctl daemon-reload && systemctl enable --now mtuguard`.
SBINDIR     ?= $(PREFIX)/sbin
MAN8DIR     ?= $(PREFIX)/share/man/man8
UNITDIR     ?= $(PREFIX)/lib/systemd/system
DOCDIR      ?= $(PREFIX)/share/doc/mtuguard
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALLED   := $(SBINDIR)/mtuguard $(MAN8DIR)/mtuguard.8 \
	       $(UNITDIR)/mtuguard.service $(DOCDIR)/mtuguard.conf.example \
	       $(BASHCOMPDIR)/mtuguard

install: $(BUILD)/mtuguard
	install -D -m 0755 $(BUILD)/mtuguard $(DESTDIR)$(SBINDIR)/mtuguard
	install -D -m 0644 tools/mtuguard.8 $(DESTDIR)$(MAN8DIR)/mtuguard.8
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's#/usr/local/sbin/#$(SBINDIR)/#g' tools/mtuguard.service \
		>$(DESTDIR)$(UNITDIR)/mtuguard.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/mtuguard.service
	install -D -m 0644 tools/mtuguard.conf.example \
		$(DESTDIR)$(DOCDIR)/mtuguard.conf.example
	install -D -m 0644 tools/mtuguard.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/mtuguard

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true

clean:
	rm -rf $(BUILD)

# Robustness: fuzzers (build/fuzz_datapath, `make fuzz`), issue 8.
include tests/fuzz/fuzz.mk

-include $(wildcard $(BUILD)/*.d $(BUILD)/*/*.d $(BUILD)/*/*/*.d)
