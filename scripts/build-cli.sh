#!/usr/bin/env bash
# Builds the CLI (cmd/trustedapp-check) for one platform, without cgo:
#   scripts/build-cli.sh VERSION OS ARCH LDFLAGS OUT
# For windows/amd64 it links the CLI's icon, manifest and version resource (the same
# as the desktop app's, scripts/windows-resources.sh ... cli): the .syso lies in
# cmd/trustedapp-check only while go build runs. windres (MinGW's binutils) cannot
# write ARM64 objects, so windows/arm64 is built without them.
set -euo pipefail
usage="usage: scripts/build-cli.sh VERSION OS ARCH LDFLAGS OUT"
version=${1:?$usage} os=${2:?$usage} arch=${3:?$usage} ldflags=${4:?$usage} out=${5:?$usage}
cd "$(dirname "$0")/.."
go=${GO:-go}
syso=""
if [ "$os/$arch" = windows/amd64 ]; then
  syso=cmd/trustedapp-check/rsrc_windows_amd64.syso
  trap 'rm -f "$syso"' EXIT
  scripts/windows-resources.sh "$version" "$syso" cli >/dev/null
fi
mkdir -p "$(dirname "$out")"
CGO_ENABLED=0 GOOS=$os GOARCH=$arch $go build -trimpath -ldflags "$ldflags" -o "$out" ./cmd/trustedapp-check
