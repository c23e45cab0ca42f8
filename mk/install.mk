# Installing SIS's programs, library and files (included by Makefile;
# Documentation/install.md).
#
#   make install         everything but the module, under PREFIX (/usr/local)
#   make uninstall       removes exactly what make install installs
#   make install-libsis  libsis.so.1 and what builds against it (headers,
#                        libsis.pc, libsis.a)
#   make install-codered the Code-Red scanner, its unit, user and snippet,
#                        and sisctl, which the snippet runs
#   make install-mailscan the e-mail virus scanner, likewise
#   make install-dkms    the module's sources, for dkms, in /usr/src/sis-VERSION
#   make modules_install (Makefile) sis.ko for the kernel it was built for
#
# DESTDIR is put before every path (staged installs, packages). The
# directories follow the GNU conventions; each can be given on its own.
# Where each program goes, and why, is in Documentation/install.md.

EXEC_PREFIX	?= $(PREFIX)
BINDIR		?= $(EXEC_PREFIX)/bin
SBINDIR		?= $(EXEC_PREFIX)/sbin
LIBDIR		?= $(EXEC_PREFIX)/lib
LIBEXECDIR	?= $(EXEC_PREFIX)/libexec
INCLUDEDIR	?= $(PREFIX)/include
DATAROOTDIR	?= $(PREFIX)/share
MANDIR		?= $(DATAROOTDIR)/man
DOCDIR		?= $(DATAROOTDIR)/doc/sis
# /etc for the system's own prefix, as distributions configure it.
SYSCONFDIR	?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
# systemd and systemd-sysusers also read these under /usr/local.
# SYSTEMDUNITDIR is UNITDIR's older name.
UNITDIR		?= $(or $(SYSTEMDUNITDIR),$(PREFIX)/lib/systemd/system)
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR	?= $(DATAROOTDIR)/bash-completion/completions
DKMSSRCDIR	?= /usr/src
# The test and example scanners, out of PATH.
SIS_LIBEXECDIR	= $(LIBEXECDIR)/sis
CR_DIR		:= tools/scanners/codered
MS_DIR		:= tools/scanners/mailscan

# Each part is a list of MODE|SOURCE|DESTINATION: MODE is the file's mode,
# or "link" (SOURCE is the link's target), or "unit" (SOURCE is a systemd
# unit whose /usr/local paths become the installed ones), or "pc"
# (libsis.pc, written for these directories).
INST_LIB	:= 755|$(US_LIBDIR)/$(LIBSIS_REALNAME)|$(LIBDIR)/$(LIBSIS_REALNAME) \
		   link|$(LIBSIS_REALNAME)|$(LIBDIR)/$(LIBSIS_SONAME)
INST_DEV	:= link|$(LIBSIS_SONAME)|$(LIBDIR)/libsis.so \
		   644|$(BUILD)/libsis.a|$(LIBDIR)/libsis.a \
		   $(foreach h,$(notdir $(wildcard lib/include/sis/*.h)),644|lib/include/sis/$(h)|$(INCLUDEDIR)/sis/$(h)) \
		   644|uapi/linux/sis.h|$(INCLUDEDIR)/linux/sis.h \
		   pc|lib/libsis.pc.in|$(PKGCONFIGDIR)/libsis.pc \
		   644|Documentation/scanner-api.md|$(DOCDIR)/scanner-api.md
INST_SISCTL	:= 755|$(US_INST)/sisctl|$(SBINDIR)/sisctl \
		   644|tools/sisctl/sisctl.bash-completion|$(BASHCOMPDIR)/sisctl
# The alert log: its unit, user, rotation and document.
INST_MONITOR	:= unit|systemd/sis-monitor.service|$(UNITDIR)/sis-monitor.service \
		   644|systemd/sis-monitor.sysusers|$(SYSUSERSDIR)/sis-monitor.conf \
		   644|systemd/sis.logrotate|$(SYSCONFDIR)/logrotate.d/sis \
		   644|Documentation/alerts.md|$(DOCDIR)/alerts.md
INST_CODERED	:= 755|$(US_INST)/sis-codered|$(SBINDIR)/sis-codered \
		   755|$(CR_DIR)/sis-codered-caps.sh|$(SBINDIR)/sis-codered-caps \
		   unit|$(CR_DIR)/sis-codered.service|$(UNITDIR)/sis-codered.service \
		   644|$(CR_DIR)/sis-codered.sysusers|$(SYSUSERSDIR)/sis-codered.conf \
		   644|Documentation/codered.md|$(DOCDIR)/codered.md
INST_MAILSCAN	:= 755|$(US_INST)/sis-mailscan|$(SBINDIR)/sis-mailscan \
		   755|$(MS_DIR)/sis-mailscan-caps.sh|$(SBINDIR)/sis-mailscan-caps \
		   unit|$(MS_DIR)/sis-mailscan.service|$(UNITDIR)/sis-mailscan.service \
		   644|$(MS_DIR)/sis-mailscan.sysusers|$(SYSUSERSDIR)/sis-mailscan.conf \
		   644|Documentation/mailscan.md|$(DOCDIR)/mailscan.md
INST_EXAMPLES	:= 755|$(US_INST)/sis-dump|$(BINDIR)/sis-dump \
		   $(foreach p,sis-null sis-scan sis-stream,755|$(US_INST)/$(p)|$(SIS_LIBEXECDIR)/$(p))
# The manual pages, whichever there are: Documentation/man/NAME.SECTION.
INST_MAN	:= $(foreach m,$(sort $(wildcard Documentation/man/*.[1-8])),644|$(m)|$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
INST_ALL	:= $(INST_LIB) $(INST_DEV) $(INST_SISCTL) $(INST_MONITOR) $(INST_CODERED) \
		   $(INST_MAILSCAN) $(INST_EXAMPLES) $(INST_MAN)
# Directories of SIS's own, removed by make uninstall once empty.
INST_OWN_DIRS	:= $(INCLUDEDIR)/sis $(DOCDIR) $(SIS_LIBEXECDIR)

# $(call install_items,ITEMS): install each MODE|SOURCE|DESTINATION.
define install_items
	@set -e; for it in $(foreach i,$(1),'$(i)'); do \
		mode=$${it%%|*}; rest=$${it#*|}; src=$${rest%%|*}; \
		dst="$(DESTDIR)$${rest#*|}"; \
		install -d "$${dst%/*}"; \
		case $$mode in \
		link) ln -sfn "$$src" "$$dst" ;; \
		unit) sed -e 's|/usr/local/sbin/|$(SBINDIR)/|g' \
			  -e 's|/usr/local/share/doc/sis|$(DOCDIR)|g' "$$src" >"$$dst.tmp"; \
		      chmod 644 "$$dst.tmp"; mv -f "$$dst.tmp" "$$dst" ;; \
		pc) $(call libsis_pc,$(PREFIX),$(INCLUDEDIR),$(LIBDIR),-I$${includedir},"$$dst") ;; \
		*) install -m "$$mode" "$$src" "$$dst" ;; \
		esac; \
		echo "  INSTALL $$dst"; \
	done
endef

# ldconfig for a live install (not a staged one): the new library's link
# and cache.
define ldconfig
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then \
		ldconfig; fi
endef

.PHONY: install uninstall install-libsis install-codered install-mailscan \
	install-dkms uninstall-dkms

# The programs are built by make userspace first, not as root by install:
# install only needs them (they are rebuilt if out of date).
install: $(US_LIBDIR)/$(LIBSIS_REALNAME) $(BUILD)/libsis.a $(US_INST_BINS)
	$(call install_items,$(INST_ALL))
	$(ldconfig)

install-libsis: $(US_LIBDIR)/$(LIBSIS_REALNAME) $(BUILD)/libsis.a
	$(call install_items,$(INST_LIB) $(INST_DEV))
	$(ldconfig)

install-codered: $(US_LIBDIR)/$(LIBSIS_REALNAME) $(US_INST)/sisctl $(US_INST)/sis-codered
	$(call install_items,$(INST_LIB) $(INST_SISCTL) $(INST_CODERED))
	$(ldconfig)

install-mailscan: $(US_LIBDIR)/$(LIBSIS_REALNAME) $(US_INST)/sisctl $(US_INST)/sis-mailscan
	$(call install_items,$(INST_LIB) $(INST_SISCTL) $(INST_MAILSCAN))
	$(ldconfig)

# Every file any install target puts, then SIS's own directories if empty.
uninstall:
	@for it in $(foreach i,$(INST_ALL),'$(i)'); do \
		dst="$(DESTDIR)$${it#*|*|}"; \
		if [ -e "$$dst" ] || [ -L "$$dst" ]; then \
			rm -f "$$dst"; echo "  RM      $$dst"; fi; \
	done
	@for d in $(INST_OWN_DIRS); do \
		[ ! -d "$(DESTDIR)$$d" ] || rmdir --ignore-fail-on-non-empty "$(DESTDIR)$$d"; \
	done
	$(ldconfig)

# The module's sources as dkms builds them (dkms.conf): then
# `dkms install sis/$(VERSION)` builds and installs sis.ko for each kernel.
DKMS_DIR	= $(DESTDIR)$(DKMSSRCDIR)/sis-$(VERSION)
install-dkms:
	install -d "$(DKMS_DIR)"
	cp -R --preserve=mode Kbuild VERSION uapi "$(DKMS_DIR)/"
	install -d "$(DKMS_DIR)/kernel"
	cp -R --preserve=mode $(filter-out %.o %.ko %.mod %.mod.c %.cmd,$(wildcard kernel/*.[ch] kernel/Kbuild)) \
		"$(DKMS_DIR)/kernel/"
	sed 's|#MODULE_VERSION#|$(VERSION)|' dkms.conf >"$(DKMS_DIR)/dkms.conf"
	@echo "  INSTALL $(DKMS_DIR)"

uninstall-dkms:
	rm -rf "$(DKMS_DIR)"
