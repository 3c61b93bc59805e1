#!/usr/bin/env bash
# `make setup`: the virtualenv with hcportal installed editable, and a browser for Playwright.
#
# One setup at a time: two started together (two terminals, two CI jobs on one checkout) would
# race in `python -m venv` and pip. flock makes the second wait for the first; it then finds the
# stamp newer than pyproject.toml and has nothing left to do.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
stamp="$venv/.installed"

mkdir -p "$venv"
exec 9>"$venv/.setup.lock"
flock 9
if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then
  exit 0  # another setup finished while this one waited
fi
test -x "$venv/bin/python" || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e '.[dev]'
bash "$(dirname "$0")/ensure-browser.sh"
touch "$stamp"
