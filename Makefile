# mtuguard - one entry point: build, test, demo, bench, install, package.
#   make            build everything into build/
#   make check      unit tests, CLI tests and shellcheck (under a minute, root)
#   make test       build, unit + integration tests (root, about 8 minutes)
#   make test-kernels  unit, fuzz, smoke, share_tc and strict_fib tests on
#                   Debian's 5.10, 6.1 and 6.12 kernels, each booted in qemu
#                   (as root)
#   make demo       the black-hole / misrouted-ICMP lab (root)
#   make bench      benchmarks, tables into docs/benchmarks.md (root)
#   make deb        the Debian package, build/deb/mtuguard_<version>_<arch>.deb
#   V=1             show full commands
# The Debian packages all of it needs: tools/deps.sh (run it once, as root).
# CFLAGS, CPPFLAGS and LDFLAGS from the command line or the environment are
# used as given; the flags the build needs are kept apart in MG_CFLAGS.

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
MG_CFLAGS := -Wall -Werror -MMD -MP -Iinclude -Iuser/lib -I$(BUILD) $(LIBBPF_CFLAGS) -D_GNU_SOURCE
ALL_CFLAGS = $(MG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
BPF_CFLAGS := -g -O2 --target=bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -MMD -MP -Iinclude -Ivmlinux -Ibpf

BPF_OBJ   := $(BUILD)/mtuguard.bpf.o
SKEL      := $(BUILD)/mtuguard.skel.h
# The CLI's other BPF object: what follows mtuguard in a root array.
ROOT_NEXT_OBJ  := $(BUILD)/root_next.bpf.o
ROOT_NEXT_SKEL := $(BUILD)/root_next.skel.h
# user/main.c, the commands (user/cmd/) and what they build on (user/lib/).
USER_SRCS := $(wildcard user/*.c user/cmd/*.c user/lib/*.c)
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

# Generated headers.  Objects wait for them (order-only); which object
# really includes which is in its dependency file (-MMD), so a change to the
# BPF side recompiles only the few files that include the skeleton.
VERSION_H := $(BUILD)/version.h
GEN_HDRS  := $(SKEL) $(ROOT_NEXT_SKEL) $(VERSION_H)

# A recipe that fails leaves no half-written target behind.
.DELETE_ON_ERROR:

.PHONY: all deps deps-check check test test-kernels unit integration demo demo-clean \
	bench install uninstall clean vmlinux deb FORCE

all: $(BUILD)/mtuguard $(BUILD)/unit_tests $(TOOL_BINS)

deps:
	$(Q)tools/deps.sh

deps-check:
	$(Q)tools/deps.sh --check

$(BPF_OBJ): bpf/mtuguard.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name mtuguard_bpf > $@.tmp && mv $@.tmp $@

$(ROOT_NEXT_OBJ): bpf/root_next.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(ROOT_NEXT_SKEL): $(ROOT_NEXT_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name root_next_bpf > $@.tmp && mv $@.tmp $@

# The version `mtuguard --version` prints (tools/version.sh: git describe
# in a git checkout, the VERSION file otherwise); rewritten only when it
# changes, so only what includes it is rebuilt.
MG_VERSION := $(shell tools/version.sh)
$(VERSION_H): FORCE | $(BUILD)
	$(Q)printf '#define MG_VERSION "%s"\n' '$(MG_VERSION)' >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/%.o: %.c | $(GEN_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/mtuguard: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) -o $@

$(BUILD)/unit_tests: $(UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) -o $@

$(BUILD)/tools/%.bpf.o: tools/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tools/%.skel.h: $(BUILD)/tools/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/tools/%: tools/%.c | $(GEN_HDRS) $(TOOL_SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(filter %.o %.a,$^) $(LIBBPF_LIBS) -o $@

# user/ without the CLI's main(), as an archive: a tool takes from it what
# it calls (every loader of the object prepares it for the kernel as the
# CLI does; the benchmark configures interfaces as the CLI does).
LIB_A := $(BUILD)/libmtuguard.a
$(LIB_A): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/tools/bench_pkt $(BUILD)/tools/verifier_stats: $(LIB_A)

$(BUILD):
	$(Q)mkdir -p $@

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

# Tests, demo and bench check that their packages are there (they never
# install any: that is tools/deps.sh's job), then build.
check: deps-check
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run.sh check

test: deps-check
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run.sh

unit: all
	$(Q)tests/run.sh unit

# tests/kernels/matrix.sh: downloads the kernel packages once (cache:
# $$MTUG_KERNEL_CACHE, default build/kernels).
test-kernels: deps-check
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(BUILD) tests/kernels/matrix.sh $(KERNELS)

integration: all
	$(Q)tests/run.sh integration

demo: deps-check
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh $(ARGS)

demo-clean:
	$(Q)tools/demo.sh --clean

bench: deps-check
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/bench.sh $(ARGS)

# The Debian package (debian/, dpkg-buildpackage, lintian), built from a
# copy of the tree in $(BUILD)/deb; LINTIAN=no skips lintian.
deb: deps-check
	$(Q)BUILD=$(BUILD) tools/mkdeb.sh

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

# Robustness: fuzzers (build/fuzz_datapath, `make fuzz`).
include tests/fuzz/fuzz.mk

-include $(wildcard $(BUILD)/*.d $(BUILD)/*/*.d $(BUILD)/*/*/*.d)
