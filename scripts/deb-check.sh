#!/usr/bin/env bash
# Checks the built .deb as an installer: its metadata, its file list, the .desktop
# entry (desktop-file-validate), and that the unpacked binaries run.
#   scripts/deb-check.sh PACKAGE.deb
set -euo pipefail
deb=$1
fail() { echo "deb-check: FAIL: $*" >&2; exit 1; }

info=$(dpkg-deb --info "$deb")
for f in "Package: trusted-app-tester" "Architecture: amd64" "Depends: libc6, libgl1, libx11-6, libwayland-client0"; do
  grep -qF "$f" <<<"$info" || fail "control lacks '$f'"
done
list=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/trustedapp-tester ./usr/bin/trustedapp-check \
         ./usr/share/applications/net.trustedapptester.app.desktop \
         ./usr/share/icons/hicolor/512x512/apps/net.trustedapptester.app.png; do
  grep -qF " $f" <<<"$list" || fail "the package lacks $f"
done
grep -q "root/root" <<<"$list" || fail "files are not owned by root"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dpkg-deb --extract "$deb" "$dir"
desktop-file-validate "$dir/usr/share/applications/net.trustedapptester.app.desktop" || fail "the .desktop entry is not valid"
v=$(dpkg-deb --field "$deb" Version)
out=$("$dir/usr/bin/trustedapp-check" version) || fail "the packaged CLI does not run"
grep -qF "$v" <<<"$out" || fail "the packaged CLI says '$out', the package is $v"
out=$("$dir/usr/bin/trustedapp-tester" --version) || fail "the packaged app does not run"
grep -qF "$v" <<<"$out" || fail "the packaged app says '$out', the package is $v"
echo "deb-check: OK: $deb ($v) installs both programs, a valid .desktop entry and the icon"
