#!/usr/bin/env bash
# Compiles the Windows resources (icon, manifest, version information) of the desktop
# app or the CLI into a COFF object that `go build` links into the .exe when it lies in
# that main package's directory (the repository's root for the app, cmd/trustedapp-check
# for the CLI); the build then removes it again:
#   scripts/windows-resources.sh VERSION OUT.syso [app|cli]     (app by default)
# Sources: packaging/windows/app.rc.in and app.manifest.in, the icon from
# assets/icon.svg (scripts/icons.sh). Needs MinGW's windres (binutils-mingw-w64-x86-64,
# installed with gcc-mingw-w64-x86-64).
set -euo pipefail
usage="usage: scripts/windows-resources.sh VERSION OUT.syso [app|cli]"
version=${1:?$usage} out=${2:?$usage} target=${3:-app}
case $target in
  app) name=trustedapp-tester description="Trusted App Tester" identity=net.trustedapptester.app ;;
  cli) name=trustedapp-check description="Trusted App Tester command-line checks" identity=net.trustedapptester.check ;;
  *) echo "windows-resources: '$target' is neither app nor cli ($usage)" >&2; exit 2 ;;
esac
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
sed -e "s/@VERSION4@/$v4/" -e "s/@IDENTITY@/$identity/" -e "s/@DESCRIPTION@/$description/" \
  "$here/packaging/windows/app.manifest.in" >"$tmp/app.manifest"
sed -e "s/@VERSIONCOMMA@/$vc/" -e "s/@VERSION@/$version/" -e "s/@NAME@/$name/g" -e "s/@DESCRIPTION@/$description/" -e "s/@YEAR@/$(date -u -d @"${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}" +%Y)/" \
  "$here/packaging/windows/app.rc.in" >"$tmp/app.rc"
if grep -q '@[A-Z0-9]*@' "$tmp/app.rc" "$tmp/app.manifest"; then
  echo "windows-resources: a placeholder was left unfilled: $(grep -ho '@[A-Z0-9]*@' "$tmp/app.rc" "$tmp/app.manifest" | sort -u | tr '\n' ' ')" >&2; exit 1
fi
(cd "$tmp" && "$windres" -O coff -F pe-x86-64 -i app.rc -o res.syso)
mv -f "$tmp/res.syso" "$out"
echo "windows-resources: $out ($name $version: icon, manifest, version information)"
