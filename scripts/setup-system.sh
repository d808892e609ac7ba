#!/usr/bin/env bash
# Install the system packages precheck needs, only those missing. Idempotent and quick
# when everything is there (dpkg queries only). Debian/Ubuntu; elsewhere it says what to get.
# libtesseract-dev, libleptonica-dev, pkg-config, g++ and python3-dev build tesserocr against
# this same libtesseract (the in-process OCR engine; see pipeline/ocr.py).
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-osd fonts-noto-cjk fonts-wqy-zenhei \
           fonts-arphic-uming fonts-arphic-ukai fonts-wqy-microhei poppler-utils python3-venv \
           libtesseract-dev libleptonica-dev pkg-config g++ python3-dev; do
  if command -v dpkg-query >/dev/null 2>&1; then
    have_pkg "$pkg" || need+=("$pkg")
  fi
done
# python3-venv is only needed when python3 cannot make a venv by itself (pyenv/python.org builds can)
if python3 -m venv --help >/dev/null 2>&1 && python3 -c "import ensurepip" 2>/dev/null; then
  need=("${need[@]/python3-venv}")
fi
need=($(printf '%s\n' "${need[@]}" | sed '/^$/d'))

if ! command -v dpkg-query >/dev/null 2>&1; then
  if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -q chi_sim; then
    exit 0
  fi
  echo "precheck needs Tesseract 5 with the chi_sim and osd language data, a CJK font" >&2
  echo "(Noto CJK) and Python 3.11+ with venv. Install them with your system's package manager." >&2
  exit 1
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Not root and no sudo: please install ${need[*]} (apt-get install ${need[*]})" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
