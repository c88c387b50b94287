#!/usr/bin/env bash
# Compiles the desktop app's Windows resources (icon, manifest, version information)
# into a COFF object that `go build` links into the .exe when it lies in the main
# package's directory:
#   scripts/windows-resources.sh VERSION OUT.syso
# Sources: packaging/windows/app.rc.in and app.manifest.in, the icon from
# assets/icon.svg (scripts/icons.sh). Needs MinGW's windres (binutils-mingw-w64-x86-64,
# installed with gcc-mingw-w64-x86-64).
set -euo pipefail
version=${1:?usage: scripts/windows-resources.sh VERSION OUT.syso} out=${2:?usage: scripts/windows-resources.sh VERSION OUT.syso}
here=$(cd "$(dirname "$0")/.." && pwd)
windres=x86_64-w64-mingw32-windres
command -v "$windres" >/dev/null || { echo "windows-resources: $windres is missing (apt-get install gcc-mingw-w64-x86-64)" >&2; exit 3; }

# Windows wants four numbers: 1.2.3-rc1 becomes 1.2.3.0.
core=${version%%[-+]*}
IFS=. read -r a b c d <<<"$core"
for n in "${a:-}" "${b:-0}" "${c:-0}" "${d:-0}"; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -le 65535 ] || { echo "windows-resources: '$version' is not a version Windows can show (want N.N.N, each up to 65535)" >&2; exit 2; }
done
v4="$a.${b:-0}.${c:-0}.${d:-0}" vc="$a,${b:-0},${c:-0},${d:-0}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/scripts/icons.sh" "$tmp/icons" >/dev/null
cp "$tmp/icons/app.ico" "$tmp/app.ico"
sed "s/@VERSION4@/$v4/" "$here/packaging/windows/app.manifest.in" >"$tmp/app.manifest"
sed -e "s/@VERSIONCOMMA@/$vc/" -e "s/@VERSION@/$version/" -e "s/@YEAR@/$(date -u -d @"${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}" +%Y)/" \
  "$here/packaging/windows/app.rc.in" >"$tmp/app.rc"
(cd "$tmp" && "$windres" -O coff -F pe-x86-64 -i app.rc -o res.syso)
mv -f "$tmp/res.syso" "$out"
echo "windows-resources: $out ($version: icon, manifest, version information)"
