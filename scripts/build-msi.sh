#!/usr/bin/env bash
# The Windows installer: a per-user MSI built with wixl from packaging/windows/trustedapp-tester.wxs.
#   scripts/build-msi.sh VERSION APP.exe CLI.exe OUT.msi
# It installs the desktop app, the CLI, README.txt and THIRD-PARTY-NOTICES.txt under
# %LocalAppData%\Programs\Trusted App Tester and a Start-menu shortcut.
set -euo pipefail
version=$1 app=$2 cli=$3 out=$4
cd "$(dirname "$0")/.."
command -v wixl >/dev/null || { echo "build-msi: wixl is missing (scripts/install-deps.sh --windows)" >&2; exit 3; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$app" "$stage/trustedapp-tester.exe"
cp "$cli" "$stage/trustedapp-check.exe"
go run ./packaging/notices -o "$stage/THIRD-PARTY-NOTICES.txt" "$app" "$cli"
scripts/icons.sh "$stage/icons" >/dev/null
cp "$stage/icons/app.ico" "$stage/app.ico"
# The README the MSI installs (packaging/windows/README.txt.in; the release workflow's MSI uses it too).
sed "s/@VERSION@/$version/" packaging/windows/README.txt.in >"$stage/README.txt"
sed -i 's/$/\r/' "$stage/README.txt" "$stage/THIRD-PARTY-NOTICES.txt"
# wixl resolves Source paths against the working directory.
(cd "$stage" && wixl -a x64 -D Version="${version%%[-+]*}" -D StageDir=. -D IconFile=app.ico \
  -o "$stage/out.msi" "$OLDPWD/packaging/windows/trustedapp-tester.wxs")
mkdir -p "$(dirname "$out")"
mv -f "$stage/out.msi" "$out"
echo "build-msi: $out ($(du -h "$out" | cut -f1))"
