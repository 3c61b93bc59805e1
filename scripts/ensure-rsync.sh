#!/usr/bin/env bash
# rsync for the rsync publish target and its tests (tests/test_publish_rsync.py). Not needed to run
# hcportal with any other target.
set -euo pipefail

command -v rsync >/dev/null 2>&1 && exit 0
exec bash "$(dirname "$0")/apt-install.sh" ensure-rsync rsync
