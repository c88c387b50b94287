#!/usr/bin/env bash
# The CLI archives: trustedapp-check for linux, windows and darwin on amd64 and arm64
# (CGO_ENABLED=0, scripts/build-cli.sh: the windows/amd64 one with its icon, manifest
# and version resource), each with the README and its own third-party notices.
#   scripts/dist-cli.sh VERSION LDFLAGS OUTDIR
# Writes OUTDIR/trustedapp-check-VERSION-OS-ARCH.tar.gz (.zip for Windows) and keeps
# the binaries in bin/release/cli/OS-ARCH/ (the Windows installer takes its CLI there).
set -euo pipefail
version=$1 ldflags=$2 out=$3
cd "$(dirname "$0")/.."
go=${GO:-go}
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
mkdir -p "$out"
for target in linux/amd64 linux/arm64 windows/amd64 windows/arm64 darwin/amd64 darwin/arm64; do
  os=${target%/*} arch=${target#*/}
  exe=trustedapp-check; [ "$os" = windows ] && exe=trustedapp-check.exe
  dir=bin/release/cli/$os-$arch
  name=trustedapp-check-$version-$os-$arch
  rm -rf "$dir" && mkdir -p "$dir/$name"
  scripts/build-cli.sh "$version" "$os" "$arch" "$ldflags -s -w" "$dir/$exe"
  cp "$dir/$exe" "$dir/$name/$exe"
  cp README.md "$dir/$name/README.md"
  $go run ./packaging/notices -o "$dir/$name/THIRD-PARTY-NOTICES.txt" "$dir/$exe"
  # Archives hold files with fixed owners and times, so the same source gives the same bytes.
  find "$dir/$name" -exec touch -d @"$epoch" {} +
  if [ "$os" = windows ]; then
    (cd "$dir" && rm -f "$name.zip" && TZ=UTC zip -qrX "$name.zip" "$name")
    mv -f "$dir/$name.zip" "$out/"
  else
    tar --sort=name --owner=0 --group=0 --numeric-owner -C "$dir" -cf - "$name" | gzip -9n >"$out/$name.tar.gz"
  fi
  rm -rf "${dir:?}/$name"
done
echo "dist-cli: $(ls "$out"/trustedapp-check-"$version"-* | wc -l) CLI archives in $out"
