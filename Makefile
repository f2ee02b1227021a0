# Cairn: one non-recursive GNU Makefile (the layout it builds: docs/internals.md).
#
# Flavours: BUILD=debug (default, into build/), BUILD=asan (build/asan/), BUILD=release
# (build/release/). O=DIR overrides the output folder (parallel work trees use their own).
#
# Sources are found, not listed: every <layer>/**/*.c goes into build/lib/libcairn_<layer>.a,
# except *_main.c, which each become a program build/bin/<stem> (api/cairnd_main.c -> cairnd).
# tests/unit/**/test_*.c, tests/integration/**/*.c, tests/bench/**/*.c and
# serdes/examples/*.c become programs under build/tests/... and build/examples/.

BUILD ?= debug
ifeq ($(BUILD),debug)
O ?= build
else
O ?= build/$(BUILD)
endif

CC ?= cc
PKGS := jansson libmicrohttpd libsodium rdkafka libcurl zlib liblz4 libzstd snappy avro-c \
        libprotobuf-c libpcre2-8
DEPS_OK := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && echo yes)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2
CPPFLAGS := -I. -Iserdes/include -D_GNU_SOURCE -MMD -MP
CFLAGS := -std=c11 -g -pthread $(WARN)
LDFLAGS := -pthread
ifeq ($(DEPS_OK),yes)
CFLAGS += $(shell pkg-config --cflags $(PKGS) cmocka)
LDLIBS := $(shell pkg-config --libs $(PKGS)) -lm
TEST_LDLIBS := $(shell pkg-config --libs cmocka)
endif

ifeq ($(BUILD),asan)
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS += -O1 $(SAN)
LDFLAGS += $(SAN)
else ifeq ($(BUILD),release)
CFLAGS += -O2 -DNDEBUG
else
CFLAGS += -O0
endif

# Link order: highest layer first.
LAYERS := clients api registry serdes broker compat common

srcs_of = $(shell find $(1) -name '*.c' ! -name '*_main.c' ! -path '*/examples/*' 2>/dev/null)
mains_of = $(shell find $(1) -name '*_main.c' 2>/dev/null)
obj = $(patsubst %.c,$(O)/obj/%.o,$(1))

define layer_rules
SRC_$(1) := $$(call srcs_of,$(1))
LIB_$(1) := $$(if $$(SRC_$(1)),$(O)/lib/libcairn_$(1).a)
$$(LIB_$(1)): $$(call obj,$$(SRC_$(1)))
	@mkdir -p $$(@D)
	@rm -f $$@
	@echo "  AR  $$@"
	@ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rules,$(l))))

# The FileDescriptorProto codec of compat/protobuf/ (base64 descriptors, format=serialized):
# protoc-c generates it at build time from Debian's libprotobuf-dev copy of descriptor.proto.
PROTO_DESC := /usr/include/google/protobuf/descriptor.proto
GEN := $(O)/gen
GEN_DESC_C := $(GEN)/google/protobuf/descriptor.pb-c.c
GEN_DESC_H := $(GEN)/google/protobuf/descriptor.pb-c.h
GEN_DESC_O := $(O)/obj/gen/descriptor.pb-c.o
CPPFLAGS += -I$(GEN)

$(GEN_DESC_H): $(PROTO_DESC)
	@mkdir -p $(GEN)
	@echo "  GEN $@"
	@protoc-c --c_out=$(GEN) -I/usr/include $(PROTO_DESC)
$(GEN_DESC_C): $(GEN_DESC_H)
$(GEN_DESC_O): $(GEN_DESC_C)
	@mkdir -p $(@D)
	@echo "  CC  $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -w -c $< -o $@
$(LIB_compat): $(GEN_DESC_O)
$(call obj,$(SRC_compat) $(SRC_serdes)): | $(GEN_DESC_H)

# Test messages for the Protobuf serdes: protoc-c code generated from tests/data/serdes_pb/,
# linked into the test, bench and fuzz programs only.
TEST_PROTO := $(wildcard tests/data/serdes_pb/*.proto)
TEST_PB_C := $(patsubst tests/data/serdes_pb/%.proto,$(GEN)/serdes_pb/%.pb-c.c,$(TEST_PROTO))
TEST_PB_H := $(TEST_PB_C:.c=.h)
TEST_PB_O := $(patsubst $(GEN)/%.c,$(O)/obj/gen/%.o,$(TEST_PB_C))
.SECONDARY: $(TEST_PB_C) $(TEST_PB_H) $(TEST_PB_O)
$(GEN)/serdes_pb/%.pb-c.c $(GEN)/serdes_pb/%.pb-c.h: tests/data/serdes_pb/%.proto
	@mkdir -p $(GEN)/serdes_pb
	@echo "  GEN $@"
	@protoc-c --c_out=$(GEN)/serdes_pb -Itests/data/serdes_pb $<
$(O)/obj/gen/serdes_pb/%.o: $(GEN)/serdes_pb/%.c
	@mkdir -p $(@D)
	@echo "  CC  $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -w -c $< -o $@

LIBS := $(foreach l,$(LAYERS),$(LIB_$(l)))
MAIN_SRC := $(foreach l,$(LAYERS),$(call mains_of,$(l)))
BINS := $(foreach m,$(MAIN_SRC),$(O)/bin/$(patsubst %_main,%,$(basename $(notdir $(m)))))

UNIT_SRC := $(shell find tests/unit -name 'test_*.c' 2>/dev/null)
INTEG_SRC := $(shell find tests/integration -name '*.c' 2>/dev/null)
BENCH_SRC := $(shell find tests/bench -name '*.c' 2>/dev/null)
FUZZ_SRC := $(shell find tests/fuzz -name '*.c' 2>/dev/null)
EXAMPLE_SRC := $(shell find serdes/examples -name '*.c' 2>/dev/null)
SUPPORT_SRC := $(shell find tests/support -name '*.c' 2>/dev/null)
UNIT := $(patsubst %.c,$(O)/%,$(UNIT_SRC))
INTEG := $(patsubst %.c,$(O)/%,$(INTEG_SRC))
BENCH := $(patsubst %.c,$(O)/%,$(BENCH_SRC))
EXAMPLES := $(patsubst serdes/examples/%.c,$(O)/examples/%,$(EXAMPLE_SRC))
SUPPORT_OBJ := $(call obj,$(SUPPORT_SRC))
$(call obj,$(UNIT_SRC) $(INTEG_SRC) $(BENCH_SRC)): | $(TEST_PB_H) $(GEN_DESC_H)

.PHONY: all deps test unit asan release run bench fuzz clean check-layers format format-check \
        size-report
.DEFAULT_GOAL := all

all: $(BINS) $(UNIT) $(INTEG) $(BENCH) $(EXAMPLES)

$(O)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC  $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# One program per *_main.c, linked against every layer library.
define main_rule
$(O)/bin/$(patsubst %_main,%,$(basename $(notdir $(1)))): $(call obj,$(1)) $(LIBS)
	@mkdir -p $$(@D)
	@echo "  LD  $$@"
	@$(CC) $(LDFLAGS) $$< $(LIBS) $(LDLIBS) -o $$@
endef
$(foreach m,$(MAIN_SRC),$(eval $(call main_rule,$(m))))

$(O)/tests/%: $(O)/obj/tests/%.o $(SUPPORT_OBJ) $(TEST_PB_O) $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) $< $(SUPPORT_OBJ) $(TEST_PB_O) $(LIBS) $(LDLIBS) $(TEST_LDLIBS) -o $@

$(O)/examples/%: $(O)/obj/serdes/examples/%.o $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) $< $(LIBS) $(LDLIBS) -o $@

deps:
	@scripts/deps
	@tests/interop/setup

# The README's test command: set-up, build, then every suite with one closing line.
test: deps
	@$(MAKE) --no-print-directory all
	@tests/run $(O)

# Only the unit programs whose path matches T (a shell glob), e.g. make unit T='*broker*', and in
# them only the cmocka tests whose name matches F (cmocka's glob), e.g. F='test_produce_acks'.
unit: all
	@tests/run --unit-only $(O) '$(T)' '$(F)'

asan:
	@$(MAKE) --no-print-directory BUILD=asan test

release: deps
	@$(MAKE) --no-print-directory BUILD=release all

run: deps
	@$(MAKE) --no-print-directory BUILD=release all
	exec build/release/bin/cairnd $(ARGS)

bench: deps
	@$(MAKE) --no-print-directory BUILD=release all
	@tests/bench/run build/release

fuzz:
	@scripts/fuzz-build $(FUZZ_SRC)

clean:
	rm -rf build

check-layers:
	@scripts/check-layers

FORMAT_SRC = $(shell git ls-files '*.c' '*.h' | grep -v -e '\.pb-c\.' -e '_table\.h$$')
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC)
	@! grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol)[[:space:]]*\(' $(FORMAT_SRC) \
	  || (echo "unbounded or unchecked libc call (see docs/internals.md, Style)"; exit 1)
	@! grep -nE '(error_code|_err)[[:space:]]*=[[:space:]]*-?[1-9]|kp_w16\(&w, [1-9][0-9]*\)' \
	  $$(git ls-files 'broker/*.c') \
	  || (echo "a literal Kafka error code in broker/: use brk_kerr(CN_ERR_...) (cn_err.def)"; exit 1)

size-report:
	@ctags -x --_xformat='%N %F %n %{end}' --kinds-C=f $$(git ls-files '*.c') \
	  | awk '{ print $$4 - $$3 + 1, $$2, $$1 }' | sort -n \
	  | awk '{ a[NR] = $$1; print } END { print "functions:", NR, "median lines:", a[int((NR+1)/2)] }'

# libcairn-serdes as a product (serdes/, docs/serdes.md): a shared library exporting only cairn_*
# (version script), a self-contained static archive (serdes, compat, common), a pkg-config
# file, and `make install` honouring PREFIX and DESTDIR.
SERDES_VERSION := 0.1.0
SERDES_SOMAJOR := 0
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
SERDES_OBJ := $(call obj,$(SRC_serdes) $(SRC_compat) $(SRC_common)) $(GEN_DESC_O)
SERDES_PIC := $(patsubst $(O)/obj/%,$(O)/pic/%,$(SERDES_OBJ))
SERDES_SO := $(O)/lib/libcairn-serdes.so
SERDES_A := $(O)/lib/libcairn-serdes.a
SERDES_PC := $(O)/lib/pkgconfig/cairn-serdes.pc

all: $(SERDES_SO) $(SERDES_A) $(SERDES_PC)

$(O)/pic/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC  $< (pic)"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -c $< -o $@

$(O)/pic/gen/descriptor.pb-c.o: $(GEN_DESC_C)
	@mkdir -p $(@D)
	@$(CC) $(CPPFLAGS) $(CFLAGS) -w -fPIC -c $< -o $@

$(SERDES_SO): $(SERDES_PIC) serdes/libcairn-serdes.map
	@mkdir -p $(@D)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libcairn-serdes.so.$(SERDES_SOMAJOR) \
	  -Wl,--version-script=serdes/libcairn-serdes.map $(SERDES_PIC) \
	  $(shell pkg-config --libs libcurl jansson avro-c libprotobuf-c libpcre2-8 2>/dev/null) \
	  -o $@.$(SERDES_VERSION)
	ln -sf libcairn-serdes.so.$(SERDES_VERSION) $@.$(SERDES_SOMAJOR)
	ln -sf libcairn-serdes.so.$(SERDES_VERSION) $@

$(SERDES_A): $(SERDES_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(SERDES_PC): serdes/cairn-serdes.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	  -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(SERDES_VERSION)|g' $< > $@

.PHONY: install
install: $(SERDES_SO) $(SERDES_A) $(SERDES_PC)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/cairn
	install -m 644 serdes/include/cairn/*.h $(DESTDIR)$(INCLUDEDIR)/cairn/
	install -m 755 $(SERDES_SO).$(SERDES_VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libcairn-serdes.so.$(SERDES_VERSION) $(DESTDIR)$(LIBDIR)/libcairn-serdes.so.$(SERDES_SOMAJOR)
	ln -sf libcairn-serdes.so.$(SERDES_VERSION) $(DESTDIR)$(LIBDIR)/libcairn-serdes.so
	install -m 644 $(SERDES_A) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	  -e 's|@VERSION@|$(SERDES_VERSION)|g' serdes/cairn-serdes.pc.in \
	  > $(DESTDIR)$(LIBDIR)/pkgconfig/cairn-serdes.pc


-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
