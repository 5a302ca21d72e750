# tests/fuzz/fuzz.mk - robustness fuzzing, included by the Makefile.
#
#   make                 also builds build/fuzz_datapath (the fast pass in
#                        `make test` runs it: tests/integration/test_fuzz_fast.sh)
#   make fuzz            the long run: tests/fuzz/run_long.sh
#       FUZZ_SEED=S      seed of the datapath fuzzer and of libFuzzer
#                        (default 1; always printed)
#       FUZZ_COUNT=N     packets for the datapath fuzzer (default 5000000)
#       FUZZ_TIME=SEC    seconds per libFuzzer target (default 60)
#   make fuzz-bins       only the libFuzzer targets (build/fuzz/lf_*)
#
# Every file list here is derived from the tree: a new tests/fuzz/*.c joins
# the datapath fuzzer, a new tests/fuzz/lf_NAME.c becomes a libFuzzer
# target, and both link the library part of user/ as the unit tests do.

# The datapath fuzzer: its own sources, the unit harness (packet builder,
# skeleton wrappers, checksum verifier, fixtures) without the unit runner's
# main(), and user/ without the CLI's main().
FUZZ_DP_SRCS := $(filter-out tests/fuzz/lf_%.c,$(wildcard tests/fuzz/*.c))
FUZZ_DP_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(FUZZ_DP_SRCS))
FUZZ_UNIT_OBJS := $(filter-out $(BUILD)/tests/unit/main.o,$(UNIT_OBJS))

$(FUZZ_DP_OBJS): MG_CFLAGS += -Itests/unit

$(BUILD)/fuzz_datapath: $(FUZZ_DP_OBJS) $(FUZZ_UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBBPF_LIBS) -o $@

all: $(BUILD)/fuzz_datapath

# ---- libFuzzer targets (clang -fsanitize=fuzzer), userspace parsers ---------
# Each tests/fuzz/lf_NAME.c is linked with an archive of user/ (the CLI's
# main() left out) compiled here with the sanitizers and the fuzzer's
# coverage; the linker takes from it only what the target uses.
LF_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
LF_CFLAGS := -g -O1 $(LF_SAN) -Iinclude -Iuser/lib -I$(BUILD) $(LIBBPF_CFLAGS) -D_GNU_SOURCE
LF_NAMES  := $(patsubst tests/fuzz/lf_%.c,%,$(wildcard tests/fuzz/lf_*.c))
LF_BINS   := $(patsubst %,$(BUILD)/fuzz/lf_%,$(LF_NAMES))
LF_LIB_OBJS := $(patsubst %.c,$(BUILD)/fuzz/%.o,$(filter-out user/main.c,$(USER_SRCS)))
LF_LIB    := $(BUILD)/fuzz/libmtuguard-san.a

$(BUILD)/fuzz/user/%.o: user/%.c | $(GEN_HDRS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(LF_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(LF_LIB): $(LF_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/fuzz/lf_%: tests/fuzz/lf_%.c $(LF_LIB)
	$(call msg,FUZZER,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(LF_CFLAGS) -fsanitize=fuzzer -MMD -MP $< $(LF_LIB) $(LIBBPF_LIBS) -o $@

.PHONY: fuzz fuzz-bins
fuzz-bins: $(LF_BINS)

fuzz: deps-check
	$(Q)$(MAKE) --no-print-directory all fuzz-bins
	$(Q)tests/fuzz/run_long.sh
