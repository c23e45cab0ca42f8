#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=128 limit=1800
# The long part of the stream test (stream.sh): a read-only stream scanner
# reconstructs 1 byte, 1 MiB and 100 MiB each way through netem loss,
# reordering and duplication on both sides, byte for byte; then 10,000
# short connections leave no tracked state behind.
STREAM_PART=big exec bash "$(dirname "$0")/stream.sh"
