#!/usr/bin/env bash
# Makes a fresh Wine prefix in which Go's Windows binaries run:
#   scripts/wine/prefix.sh DIR
# Debian 12's Wine 8.0 lacks ProcessPrng (bcryptprimitives.dll), which Go 1.24+ calls
# at start-up ("fatal error: bcryptprimitives.dll not found"); this builds a tiny DLL
# from processprng.c that exports it on top of RtlGenRandom and puts it in the
# prefix's system32. Needs wine64 and gcc-mingw-w64-x86-64 (scripts/install-deps.sh
# --windows installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${1:?usage: scripts/wine/prefix.sh DIR}
"$here/wine.sh" --path >/dev/null # says so when Wine is missing
export WINEPREFIX=$prefix
mkdir -p "$prefix"
"$here/wine.sh" wineboot -i >/dev/null 2>&1 || true
[ -d "$prefix/drive_c/windows/system32" ] || { echo "wine-prefix: wineboot did not create $prefix" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
x86_64-w64-mingw32-gcc -shared -O2 -o "$tmp/bcryptprimitives.dll" "$here/processprng.c"
cp "$tmp/bcryptprimitives.dll" "$prefix/drive_c/windows/system32/"
echo "wine-prefix: $prefix ready (ProcessPrng shim installed)"
