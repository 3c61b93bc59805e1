#!/usr/bin/env bash
# rsync for the rsync publish target and its tests (tests/test_publish_rsync.py). Not needed to run
# hcportal with any other target.
set -euo pipefail

command -v rsync >/dev/null 2>&1 && exit 0

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "ensure-rsync: rsync is missing, and installing it needs root (apt-get install rsync)" >&2
      exit 1
    fi
  fi
  echo "ensure-rsync: installing rsync..." >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends rsync >/dev/null
  exit 0
fi

echo "ensure-rsync: rsync not found; install it with your package manager" >&2
exit 1
