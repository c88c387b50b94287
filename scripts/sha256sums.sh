#!/usr/bin/env bash
# Writes DIR/SHA256SUMS over every other file in DIR (sha256sum -c format, sorted).
#   scripts/sha256sums.sh DIR        check: (cd DIR && sha256sum -c SHA256SUMS)
set -euo pipefail
dir=${1:?usage: scripts/sha256sums.sh DIR}
cd "$dir"
files=$(find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | LC_ALL=C sort)
[ -n "$files" ] || { echo "sha256sums: $dir is empty" >&2; exit 1; }
# shellcheck disable=SC2086
sha256sum -- $files >SHA256SUMS.tmp
mv -f SHA256SUMS.tmp SHA256SUMS
echo "sha256sums: $(wc -l <SHA256SUMS) files in $dir/SHA256SUMS"
