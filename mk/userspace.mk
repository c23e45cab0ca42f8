# Userspace: libsis, sisctl and their host unit tests (included by Makefile).
#
#   make userspace       $(BUILD)/libsis.a, libsis.pc, sisctl and the example
#                        scanners (sis-null, sis-dump, sis-scan, sis-codered,
#                        sis-stream), linked with libsis.a to run from the
#                        tree; $(BUILD)/lib/libsis.so.1 and $(BUILD)/inst/,
#                        the same programs linked with it, for make install
#   make unit [UNIT=glob] build and run the host unit tests (TAP on stdout)
#   make bench-tools     $(BUILD)/nfq-null, the benchmark's NFQUEUE baseline,
#                        $(BUILD)/rtt, its ICMP round-trip timer,
#                        $(BUILD)/cr-latency, its DNS and connect latency probe,
#                        $(BUILD)/tcpio, the TCP ends of its custody uploads,
#                        and $(BUILD)/pop3-fetch, the e-mail bench's client
#   $(BUILD)/mail-cost   what sis-mailscan's checks cost (scripts/mail-cost.sh)
#   make install ...     mk/install.mk

# The one version of SIS, of the module (kernel/Kbuild) and of every program.
VERSION		:= $(shell cat VERSION)

US_PKGS		:= libnl-genl-3.0 libpcap jansson
US_OBJDIR	:= $(BUILD)/obj
# -I uapi first: <linux/sis.h> must be this tree's, never an installed one.
US_CFLAGS	:= -std=gnu11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE \
		   -I uapi -I lib/include -DSIS_VERSION='"$(VERSION)"'
# pkg-config runs once, and only when something userspace is built.
US_PKG_CFLAGS	= $(eval US_PKG_CFLAGS := $$(shell pkg-config --cflags $(US_PKGS)))$(US_PKG_CFLAGS)
US_PKG_LIBS	= $(eval US_PKG_LIBS := $$(shell pkg-config --libs $(US_PKGS)))$(US_PKG_LIBS)
# sisctl monitor --journal sends with libsystemd's sd_journal_sendv().
SISCTL_PKGS	:= libsystemd
SISCTL_PKG_LIBS	= $(eval SISCTL_PKG_LIBS := $$(shell pkg-config --libs $(SISCTL_PKGS)))$(SISCTL_PKG_LIBS)

LIBSIS_SRCS	:= lib/filter.c lib/pcap.c lib/nl.c lib/scanner.c lib/event.c lib/verdict.c \
		   lib/rx.c lib/request.c
SISCTL_SRCS	:= tools/sisctl/args.c tools/sisctl/attach.c tools/sisctl/cap.c tools/sisctl/filter.c \
		   tools/sisctl/inject.c tools/sisctl/monitor.c tools/sisctl/monitor_save.c \
		   tools/sisctl/prevent.c tools/sisctl/scanner.c tools/sisctl/show.c \
		   tools/sisctl/show_scanner.c tools/sisctl/util.c
SISCTL_SRCS	+= tools/sisctl/conns.c tools/sisctl/ports.c tools/sisctl/set.c \
		   tools/sisctl/print.c tools/sisctl/eve.c
SISCTL_MAIN	:= tools/sisctl/main.c
CODERED_SRCS	:= $(addprefix tools/scanners/codered/,dns.c packet.c policy.c table.c)
CODERED_MAIN	:= tools/scanners/codered/main.c
# The e-mail virus scanner's parts: the protocols, MIME with GMime,
# detection with libclamav and libcrypto's MD5, each with its pkg-config.
MAILSCAN_SRCS	:= tools/scanners/mailscan/detect.c \
		   tools/scanners/mailscan/message.c \
		   tools/scanners/mailscan/proto.c
MAILSCAN_PKGS	:= gmime-3.0 libclamav libcrypto
UNIT_SRCS	:= $(sort $(wildcard tools/sisctl/tests/*.c lib/tests/*.c \
		   tools/scanners/codered/tests/*.c tools/scanners/mailscan/tests/*.c))
SCANNERS	:= sis-dump sis-null sis-scan
SCANNER_BINS	:= $(addprefix $(BUILD)/,$(SCANNERS))

# COVERAGE=1 (make coverage, in a build directory of its own): gcov
# counters in every program, for the host unit tests' coverage.
US_COV		:= $(if $(COVERAGE),--coverage)
US_CFLAGS	+= $(US_COV)
# The builder's own flags last (a distribution's hardening: dpkg-buildflags).
US_CFLAGS	+= $(CPPFLAGS) $(CFLAGS)

us_objs		= $(patsubst %.c,$(US_OBJDIR)/%.o,$(1))
LIBSIS_OBJS	:= $(call us_objs,$(LIBSIS_SRCS))
SISCTL_OBJS	:= $(call us_objs,$(SISCTL_SRCS))
SISCTL_MAIN_OBJ	:= $(call us_objs,$(SISCTL_MAIN))
UNIT_OBJS	:= $(call us_objs,$(UNIT_SRCS))
SCANNER_OBJS	:= $(call us_objs,$(SCANNERS:%=tools/scanners/%.c))
CODERED_OBJS	:= $(call us_objs,$(CODERED_SRCS))
CODERED_MAIN_OBJ := $(call us_objs,$(CODERED_MAIN))
MAILSCAN_OBJS	:= $(call us_objs,$(MAILSCAN_SRCS))
US_ALL_OBJS	:= $(LIBSIS_OBJS) $(SISCTL_OBJS) $(SISCTL_MAIN_OBJ) $(UNIT_OBJS) \
		   $(SCANNER_OBJS) $(CODERED_OBJS) $(CODERED_MAIN_OBJ) $(MAILSCAN_OBJS)
# The stream scanner hashes with OpenSSL's libcrypto, its own pkg-config.
STREAM_PKGS	:= libcrypto
STREAM_OBJ	:= $(call us_objs,tools/scanners/sis-stream.c)
US_ALL_OBJS	+= $(STREAM_OBJ)

.PHONY: userspace unit us-deps

userspace: $(BUILD)/sisctl $(BUILD)/libsis.a $(SCANNER_BINS) $(BUILD)/libsis.pc \
	   $(BUILD)/libsis-uninstalled.pc $(BUILD)/sis-codered
userspace: $(BUILD)/sis-stream $(BUILD)/sis-mailscan

# UNIT=glob runs only the suites whose names match (unit-tests -l lists them).
unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests $(UNIT)

us-deps:
	@pkg-config --exists $(US_PKGS) $(SISCTL_PKGS) || { \
		echo "userspace: missing $(US_PKGS) $(SISCTL_PKGS) development files (make setup)" >&2; \
		exit 1; }

$(US_OBJDIR)/%.o: %.c | us-deps
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) $(US_PKG_CFLAGS) -MMD -MP -c -o $@ $<

# sisctl uses libsis's filter compiler and libpcap loader (lib/pcap.h).
$(SISCTL_OBJS): US_CFLAGS += -I lib

# The unit tests also see library internals.
$(UNIT_OBJS): US_CFLAGS += -I lib -I lib/tests -I tools/sisctl -I tools/scanners/codered \
			   -I tools/scanners/mailscan

# The mail scanner's objects and tests compile against its libraries.
MAILSCAN_PKG_CFLAGS = $(eval MAILSCAN_PKG_CFLAGS := $$(shell pkg-config --cflags $(MAILSCAN_PKGS)))$(MAILSCAN_PKG_CFLAGS)
MAILSCAN_PKG_LIBS = $(eval MAILSCAN_PKG_LIBS := $$(shell pkg-config --libs $(MAILSCAN_PKGS)))$(MAILSCAN_PKG_LIBS)
$(MAILSCAN_OBJS) $(UNIT_OBJS): US_CFLAGS += $(MAILSCAN_PKG_CFLAGS)
$(MAILSCAN_OBJS) $(UNIT_OBJS): | mailscan-deps

.PHONY: mailscan-deps
mailscan-deps:
	@pkg-config --exists $(MAILSCAN_PKGS) || { \
		echo "mailscan: missing $(MAILSCAN_PKGS) development files (make setup)" >&2; \
		exit 1; }

# Flags live here; the version is in VERSION.
$(US_ALL_OBJS): mk/userspace.mk VERSION

# libsis's objects go into libsis.a and libsis.so alike: position
# independent. The shared library exports only what lib/include/sis/
# declares (lib/libsis.map).
$(LIBSIS_OBJS): US_CFLAGS += -fPIC

# libpcap is loaded when first needed (lib/pcap.h says why), by the soname
# of the libpcap this build compiles against: the libpcap.so that
# pkg-config names links to it.
LIBPCAP_SONAME	= $(eval LIBPCAP_SONAME := $$(shell objdump -p \
		  "$$$$(pkg-config --variable=libdir libpcap)/libpcap.so" 2>/dev/null | \
		  sed -n 's/^ *SONAME *//p'))$(LIBPCAP_SONAME)
$(call us_objs,lib/pcap.c): US_CFLAGS += -DLIBPCAP_SONAME='"$(LIBPCAP_SONAME)"'
$(call us_objs,lib/pcap.c): | pcap-soname
.PHONY: pcap-soname
pcap-soname:
	@[ -n "$(LIBPCAP_SONAME)" ] || { \
		echo "libsis: cannot read the soname of libpcap.so (libpcap-dev, binutils)" >&2; \
		exit 1; }

$(BUILD)/libsis.a: $(LIBSIS_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# --as-needed: libpcap is dlopen()ed by lib/pcap.c, never linked. libresolv
# encodes base64 (b64_ntop) for monitor --eve.
$(BUILD)/sisctl: $(SISCTL_MAIN_OBJ) $(SISCTL_OBJS) $(BUILD)/libsis.a
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $(SISCTL_MAIN_OBJ) $(SISCTL_OBJS) $(BUILD)/libsis.a \
		$(US_PKG_LIBS) $(SISCTL_PKG_LIBS) -lresolv

# Scanners link libnl through libsis.a (libpcap is loaded for filters).
$(SCANNER_BINS): $(BUILD)/%: $(US_OBJDIR)/tools/scanners/%.o $(BUILD)/libsis.a
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $< $(BUILD)/libsis.a $(US_PKG_LIBS)

# The Code-Red scanner parses DNS with libresolv.
$(BUILD)/sis-codered: $(CODERED_MAIN_OBJ) $(CODERED_OBJS) $(BUILD)/libsis.a
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $(CODERED_MAIN_OBJ) $(CODERED_OBJS) \
		$(BUILD)/libsis.a $(US_PKG_LIBS) -lresolv

# sis-stream: a scanner like the others, plus libcrypto.
$(STREAM_OBJ): tools/scanners/sis-stream.c | us-deps stream-deps
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) $(US_PKG_CFLAGS) $$(pkg-config --cflags $(STREAM_PKGS)) \
		-MMD -MP -c -o $@ $<
$(BUILD)/sis-stream: $(STREAM_OBJ) $(BUILD)/libsis.a
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $< $(BUILD)/libsis.a $(US_PKG_LIBS) \
		$$(pkg-config --libs $(STREAM_PKGS))

# sis-mailscan: MAILSCAN_OBJS (above, also unit-tested) and its main.
MAILSCAN_MAIN	:= $(call us_objs,tools/scanners/mailscan/main.c)
US_ALL_OBJS	+= $(MAILSCAN_MAIN)
$(MAILSCAN_MAIN): US_CFLAGS += $(MAILSCAN_PKG_CFLAGS)
$(MAILSCAN_MAIN): | mailscan-deps
$(BUILD)/sis-mailscan: $(MAILSCAN_MAIN) $(MAILSCAN_OBJS) $(BUILD)/libsis.a
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $(MAILSCAN_MAIN) $(MAILSCAN_OBJS) \
		$(BUILD)/libsis.a $(US_PKG_LIBS) $(MAILSCAN_PKG_LIBS)

.PHONY: stream-deps
stream-deps:
	@pkg-config --exists $(STREAM_PKGS) || { \
		echo "sis-stream: missing $(STREAM_PKGS) development files (make setup)" >&2; \
		exit 1; }

# libsis.pc for an install under PREFIX (make install writes its own, for
# the directories it is given); libsis-uninstalled.pc, which pkg-config
# prefers when PKG_CONFIG_PATH has $(BUILD), for this tree (libsis.a).
PREFIX		?= /usr/local
# $(call libsis_pc,PREFIX,INCLUDEDIR,LIBDIR,CFLAGS,OUTPUT)
libsis_pc	= sed -e 's|@VERSION@|$(VERSION)|' -e 's|@PREFIX@|$(1)|' \
		      -e 's|@INCLUDEDIR@|$(2)|' -e 's|@LIBDIR@|$(3)|' \
		      -e 's|@CFLAGS@|$(4)|' lib/libsis.pc.in > $(5)

$(BUILD)/libsis.pc: lib/libsis.pc.in mk/userspace.mk VERSION
	@mkdir -p $(@D)
	$(call libsis_pc,$(PREFIX),$${prefix}/include,$${prefix}/lib,-I$${includedir},$@)

$(BUILD)/libsis-uninstalled.pc: lib/libsis.pc.in mk/userspace.mk VERSION
	@mkdir -p $(@D)
	$(call libsis_pc,$(CURDIR),$${prefix}/lib/include,$(abspath $(BUILD)),-I$${prefix}/uapi -I$${includedir},$@)

# libsis.so: soname libsis.so.$(LIBSIS_SOVERSION), which changes when the
# ABI breaks; the file's minor number grows when functions are added. In
# $(BUILD)/lib, apart from libsis.a, so that -L$(BUILD) still links the
# archive and the programs in $(BUILD) run from the tree.
LIBSIS_SOVERSION := 1
LIBSIS_SONAME	:= libsis.so.$(LIBSIS_SOVERSION)
LIBSIS_REALNAME	:= $(LIBSIS_SONAME).0
US_LIBDIR	:= $(BUILD)/lib

$(US_LIBDIR)/$(LIBSIS_REALNAME): $(LIBSIS_OBJS) lib/libsis.map
	@mkdir -p $(@D)
	$(CC) $(US_COV) $(LDFLAGS) -shared -Wl,-soname,$(LIBSIS_SONAME) \
		-Wl,--version-script=lib/libsis.map -Wl,--no-undefined -Wl,--as-needed \
		-Wl,-z,relro -Wl,-z,now -o $@ $(LIBSIS_OBJS) $(US_PKG_LIBS)
$(US_LIBDIR)/$(LIBSIS_SONAME): $(US_LIBDIR)/$(LIBSIS_REALNAME)
	ln -sf $(LIBSIS_REALNAME) $@
$(US_LIBDIR)/libsis.so: $(US_LIBDIR)/$(LIBSIS_SONAME)
	ln -sf $(LIBSIS_SONAME) $@

# The programs as make install installs them, in $(BUILD)/inst: the same
# objects, linked with libsis.so (found in LIBDIR at run time). sisctl also
# takes the filter compiler and the libpcap loader, which libsis does not
# export, as objects of its own.
US_INST		:= $(BUILD)/inst
US_SHARED	:= -L$(US_LIBDIR) -lsis
INST_PROGS	:= sisctl sis-codered sis-mailscan sis-stream $(SCANNERS)
US_INST_BINS	:= $(addprefix $(US_INST)/,$(INST_PROGS))
US_SHARED_DEP	:= $(US_LIBDIR)/libsis.so
SISCTL_LIBOBJS	:= $(call us_objs,lib/filter.c lib/pcap.c)

$(US_INST)/sisctl: $(SISCTL_MAIN_OBJ) $(SISCTL_OBJS) $(SISCTL_LIBOBJS) $(US_SHARED_DEP)
	@mkdir -p $(@D)
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $(SISCTL_MAIN_OBJ) $(SISCTL_OBJS) \
		$(SISCTL_LIBOBJS) $(US_SHARED) $(US_PKG_LIBS) $(SISCTL_PKG_LIBS) -lresolv
$(addprefix $(US_INST)/,$(SCANNERS)): $(US_INST)/%: $(US_OBJDIR)/tools/scanners/%.o \
					       $(US_SHARED_DEP)
	@mkdir -p $(@D)
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $< $(US_SHARED) $(US_PKG_LIBS)
$(US_INST)/sis-codered: $(CODERED_MAIN_OBJ) $(CODERED_OBJS) $(US_SHARED_DEP)
	@mkdir -p $(@D)
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $(CODERED_MAIN_OBJ) $(CODERED_OBJS) \
		$(US_SHARED) $(US_PKG_LIBS) -lresolv
$(US_INST)/sis-stream: $(STREAM_OBJ) $(US_SHARED_DEP)
	@mkdir -p $(@D)
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $< $(US_SHARED) $(US_PKG_LIBS) \
		$$(pkg-config --libs $(STREAM_PKGS))
$(US_INST)/sis-mailscan: $(MAILSCAN_MAIN) $(MAILSCAN_OBJS) $(US_SHARED_DEP)
	@mkdir -p $(@D)
	$(CC) $(US_COV) $(LDFLAGS) -Wl,--as-needed -o $@ $(MAILSCAN_MAIN) $(MAILSCAN_OBJS) \
		$(US_SHARED) $(US_PKG_LIBS) $(MAILSCAN_PKG_LIBS)

userspace: $(US_LIBDIR)/libsis.so $(US_INST_BINS)

# sisctl's calls into libsis can be served by a fake (tools/sisctl/tests/fake_sis.c).
US_UNIT_WRAP	:= $(foreach f,open close msg request dump,-Wl,--wrap=sis_nl_$(f))

$(BUILD)/unit-tests: $(UNIT_OBJS) $(SISCTL_OBJS) $(CODERED_OBJS) $(MAILSCAN_OBJS) \
		     $(BUILD)/libsis.a
	$(CC) $(US_COV) $(LDFLAGS) $(US_UNIT_WRAP) -o $@ $(UNIT_OBJS) $(SISCTL_OBJS) $(CODERED_OBJS) \
		$(MAILSCAN_OBJS) $(BUILD)/libsis.a $(US_PKG_LIBS) $(SISCTL_PKG_LIBS) -lresolv \
		$(MAILSCAN_PKG_LIBS)

# The NFQUEUE baseline of `make bench` has a pkg-config of its own, so that
# `make userspace` does not need libnetfilter_queue.
BENCH_PKGS	:= libnetfilter_queue
BENCH_CFLAGS	:= -std=gnu11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE

.PHONY: bench-tools
bench-tools: $(BUILD)/nfq-null $(BUILD)/cr-latency $(BUILD)/rtt $(BUILD)/tcpio \
	     $(BUILD)/pop3-fetch

$(BUILD)/rtt: tools/bench/rtt.c tools/bench/timing.h mk/userspace.mk
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

$(BUILD)/pop3-fetch: tools/bench/pop3-fetch.c tools/bench/timing.h mk/userspace.mk
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# scripts/mail-cost.sh's program: sis-mailscan's own message and detection code.
$(BUILD)/mail-cost: tools/bench/mail-cost.c $(MAILSCAN_OBJS) mk/userspace.mk
	$(CC) $(US_CFLAGS) $(MAILSCAN_PKG_CFLAGS) -I tools/scanners/mailscan -o $@ $< \
		$(MAILSCAN_OBJS) $(MAILSCAN_PKG_LIBS)

$(BUILD)/cr-latency: tools/bench/cr-latency.c tools/bench/timing.h mk/userspace.mk
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lresolv

# The selftests' TCP helper (scripts/check.sh builds its own copy into
# $(BUILD)/selftests), with libcrypto as sis-stream.
$(BUILD)/tcpio: selftests/tcpio.c mk/userspace.mk
	@pkg-config --exists $(STREAM_PKGS) || { \
		echo "bench-tools: missing $(STREAM_PKGS) development files (make setup)" >&2; \
		exit 1; }
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $$(pkg-config --cflags $(STREAM_PKGS)) -o $@ $< \
		$$(pkg-config --libs $(STREAM_PKGS))

$(BUILD)/nfq-null: tools/bench/nfq-null.c mk/userspace.mk
	@pkg-config --exists $(BENCH_PKGS) || { \
		echo "bench-tools: missing $(BENCH_PKGS) development files (make setup)" >&2; \
		exit 1; }
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $$(pkg-config --cflags $(BENCH_PKGS)) -o $@ $< \
		$$(pkg-config --libs $(BENCH_PKGS))

-include $(US_ALL_OBJS:.o=.d)
