#!/usr/bin/env bash
# apt-install.sh WHO PACKAGE...: install Debian packages (through sudo when not root), or say in
# one line, prefixed by WHO, why it cannot be done here.
set -euo pipefail
who=$1
shift

if ! command -v apt-get >/dev/null 2>&1; then
  echo "$who: no apt-get here; install $* with your package manager" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "$who: installing $* needs root (apt-get install $*)" >&2
    exit 1
  fi
fi
echo "$who: installing $*..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
