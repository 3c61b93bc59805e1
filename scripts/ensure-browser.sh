#!/usr/bin/env bash
# Make sure a Chromium-family browser exists for Playwright. Playwright's own browser download is
# not possible everywhere (it is not on our CI machines), so we use the distribution's Chromium.
set -euo pipefail

for b in "${HCPORTAL_BROWSER:-}" chromium chromium-browser google-chrome; do
  if [ -n "$b" ] && command -v "$b" >/dev/null 2>&1; then
    exit 0
  fi
done

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "ensure-browser: no browser found, and installing one needs root (apt-get install chromium)" >&2
      exit 1
    fi
  fi
  echo "ensure-browser: installing Debian's Chromium (about 30 s)..." >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    chromium fonts-liberation fonts-dejavu-core libatomic1 >/dev/null
  exit 0
fi

echo "ensure-browser: no Chromium found. Install chromium, or set HCPORTAL_BROWSER to a Chrome/Chromium executable." >&2
exit 1
