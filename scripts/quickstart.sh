#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's first command: install dependencies, build, run the demo.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
exec scripts/demo.sh build/cli/fsimg
