#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian 12 machine (run as root):
# Tesseract with English and Chinese data (attachment OCR; its headers so that pip can build
# tesserocr where no prebuilt wheel fits this Python), CJK fonts (rendered test
# screenshots), Chromium (browser tests), Debian's Redmine with SQLite and puma (the real
# Redmine the Redmine tests start themselves), axe-core from npm (the accessibility audit
# the staff browser tests inject), then the exact Python packages of requirements.lock
# (runtime, test and lint) and the project itself without resolving again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[[ $(id -u) == 0 ]] || SUDO="sudo"

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Redmine's package would otherwise ask (or build a database of its own) through dbconfig-common.
$SUDO debconf-set-selections <<'PRESEED'
redmine redmine/current-instances string default
redmine redmine/instances/default/dbconfig-install boolean false
redmine redmine/instances/default/database-type select sqlite3
PRESEED
$SUDO apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra \
    tesseract-ocr-jpn tesseract-ocr-kor tesseract-ocr-rus tesseract-ocr-osd \
    libtesseract-dev libleptonica-dev pkg-config g++ \
    fonts-noto-cjk fonts-noto-color-emoji fonts-dejavu-core \
    chromium \
    redmine redmine-sqlite puma \
    > /dev/null

# The staff browser tests find axe.min.js under `npm root -g` (or $AXE_CORE_JS). Debian's
# npm only where no npm is installed: it conflicts with a Node.js from elsewhere.
command -v npm > /dev/null || $SUDO apt-get install -y -qq --no-install-recommends npm > /dev/null
$SUDO npm install --global --silent --no-fund --no-audit axe-core@4.14.1 > /dev/null

# The lock pins every version the tests ran with; pyproject.toml keeps ranges for library
# users. --no-deps: the lock already holds every dependency, so nothing floats in.
python3 -m pip install -q -r requirements.lock
python3 -m pip install -q --no-deps -e .
