# tests/fuzz/fuzz.mk - robustness (issue 8), included by the Makefile.
#
#   make                 also builds build/fuzz_datapath (the fast pass in
#                        `make test` runs it: tests/integration/test_fuzz_fast.sh)
#   make fuzz            the long run: tests/fuzz/run_long.sh
#       FUZZ_SEED=S      datapath fuzzer seed (default: time-based, printed)
#       FUZZ_COUNT=N     packets for the datapath fuzzer (default 300000)
#       FUZZ_TIME=SEC    seconds per libFuzzer target (default 60)
#   make fuzz-bins       only the libFuzzer targets (build/fuzz/lf_*)

FUZZ_DP_SRCS := tests/fuzz/fuzz_datapath.c tests/fuzz/gen.c tests/fuzz/model.c \
		tests/fuzz/hostile.c
FUZZ_DP_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(FUZZ_DP_SRCS))
# The unit harness (builder, skeleton wrappers, checksum verifier, fixtures)
# as the unit tests link it, minus their main() and the tests of user/.
FUZZ_UNIT_OBJS := $(filter-out $(addprefix $(BUILD)/tests/unit/,main.o selftest.o user_helpers.o user_config.o user_iface_fast.o user_prefix_filter.o user_v6_shards.o),\
		  $(UNIT_OBJS))

$(FUZZ_DP_OBJS): CFLAGS += -Itests/unit

$(BUILD)/fuzz_datapath: $(FUZZ_DP_OBJS) $(FUZZ_UNIT_OBJS) $(BUILD)/user/datapath.o $(BUILD)/user/iface_fast.o \
			  $(BUILD)/user/prefix_filter.o $(BUILD)/user/v6_shards.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBBPF_LIBS) -o $@

all: $(BUILD)/fuzz_datapath

# ---- libFuzzer targets (clang -fsanitize=fuzzer), userspace parsers ---------
# Each lf_NAME.c is linked with the user/ sources it fuzzes, compiled here
# with the sanitizers (not the gcc objects of the CLI).
LF_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	     -Iinclude -Iuser -I$(BUILD) $(LIBBPF_CFLAGS) -D_GNU_SOURCE
LF_prefix_SRCS := user/prefix.c user/args.c user/log.c
LF_u32_SRCS    := user/args.c user/log.c
LF_config_SRCS := user/config.c user/prefix.c user/args.c user/log.c
LF_NAMES := prefix u32 $(if $(wildcard user/config.c),config)
LF_BINS  := $(patsubst %,$(BUILD)/fuzz/lf_%,$(LF_NAMES))

define LF_RULE
$(BUILD)/fuzz/lf_$(1): tests/fuzz/lf_$(1).c $(LF_$(1)_SRCS) $(SKEL)
	$$(call msg,FUZZER,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(CLANG) $(LF_CFLAGS) tests/fuzz/lf_$(1).c $(LF_$(1)_SRCS) $(LIBBPF_LIBS) -o $$@
endef
$(foreach n,$(LF_NAMES),$(eval $(call LF_RULE,$(n))))

.PHONY: fuzz fuzz-bins
fuzz-bins: $(LF_BINS)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory all fuzz-bins
	$(Q)tests/fuzz/run_long.sh
