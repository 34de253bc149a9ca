#!/usr/bin/env bash
# Makes sure the system programs the book and its tests need are present: Graphviz's `dot` (diagrams),
# Debian's Chromium (browser tests), Node's `npm` (fetches the front-end assets from the npm registry).
# Installs what is missing with apt-get where the machine has it and we are root; otherwise says what to install.
set -euo pipefail

need=("$@")  # any of: dot chromium npm
declare -A package=([dot]=graphviz [chromium]=chromium [npm]=npm)
missing=()
for program in "${need[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${package[$program]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "Missing system packages: ${missing[*]}" >&2
echo "Install them, then run make again. For example:" >&2
echo "  Debian/Ubuntu:  sudo apt-get install graphviz chromium npm" >&2
echo "  macOS:          brew install graphviz node && brew install --cask chromium" >&2
echo "  conda:          conda install -c conda-forge graphviz nodejs" >&2
exit 1
