#!/usr/bin/env bash
# Make sure a Chromium-family browser exists for Playwright. Playwright's own browser download is
# not possible everywhere (it is not on our CI machines), so we use the distribution's Chromium
# (about 30 s to install).
set -euo pipefail

for b in "${HCPORTAL_BROWSER:-}" chromium chromium-browser google-chrome; do
  if [ -n "$b" ] && command -v "$b" >/dev/null 2>&1; then
    exit 0
  fi
done

bash "$(dirname "$0")/apt-install.sh" ensure-browser \
  chromium fonts-liberation fonts-dejavu-core libatomic1 || {
  echo "ensure-browser: or set HCPORTAL_BROWSER to a Chrome/Chromium executable." >&2
  exit 1
}
