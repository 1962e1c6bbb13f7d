#!/bin/sh
# Install the system pieces dunletters needs (Chinese fonts, Pango, HarfBuzz
# subsetting, poppler's pdftotext/pdffonts), reading the list from
# scripts/debian-packages.txt. As root it runs apt-get; otherwise it prints the
# exact command to run and stops, so nothing half-installed goes unnoticed.
set -eu
here=$(dirname "$0")
list="$here/debian-packages.txt"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: not a Debian/Ubuntu system; install the equivalents of:" >&2
    grep -v '^#' "$list" | sed 's/^/  /' >&2
    exit 0
fi

missing=""
for pkg in $(grep -v '^#' "$list"); do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
# A Python without the venv module (Debian's split python3) cannot make .venv. The
# Makefile names the interpreter it will use ($1); python3 on PATH otherwise.
python=${1:-python3}
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing="$missing python3-venv"
fi

if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ]; then
    echo "system-deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "system-deps: missing system packages:$missing" >&2
    echo "system-deps: run this, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
