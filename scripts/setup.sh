#!/usr/bin/env bash
# Install everything SIS needs on a Debian 12 machine (idempotent, quiet when done).
#
#   scripts/setup.sh [coverage]   also what `make coverage` needs
set -euo pipefail

pkgs=(
	# guest kernel build
	linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev dwarves
	cpio kmod xz-utils rsync
	# 6.1 compile check, style and static analysis
	linux-headers-amd64 sparse
	# userspace
	pkg-config libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libpcap-dev
	libjansson-dev
	# the Code-Red scanner's fuzzing (libFuzzer) and unit check
	clang libclang-rt-14-dev systemd
	# guest runtime (the guest uses the host's root file system read-only)
	# (tcpdump also compiles the KUnit rule corpus: scripts/rule-corpus.sh)
	qemu-system-x86 iproute2 iputils-ping iperf3 tcpdump ethtool procps
	util-linux python3 jq nftables libnetfilter-queue-dev curl
	# the Code-Red scanner's tests: a real resolver and real lookups
	dnsmasq-base bind9-dnsutils
	# crafted frames for the evasion tests, a SYN flood for synflood.sh
	python3-scapy hping3
	# the YNL spec: the kernel tree's ynl-gen-c.py and its CLI (ynl.sh)
	python3-yaml python3-jsonschema
	# the e-mail virus scanner: GMime, libclamav; its tests' real mail
	# software (swaks, an SMTP server, dovecot for POP3 and IMAP)
	libgmime-3.0-dev libclamav-dev swaks python3-aiosmtpd
	dovecot-pop3d dovecot-imapd
	# the man pages' checks: man and groff as lintian runs them, mandoc
	man-db groff-base mandoc
	# make install's checks (readelf, the DKMS build against the 6.1 headers),
	# the Debian packages' build and lintian
	binutils dkms debhelper dh-dkms lintian fakeroot
	# sisctl monitor --journal (libsystemd), the alert log's rotation
	libsystemd-dev logrotate
)

[ "${1:-}" = coverage ] && pkgs+=(lcov)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${missing[*]}" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: run as root (apt-get)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
