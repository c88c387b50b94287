#!/usr/bin/env bash
# The Windows release files from the built app and CLI, the same way for `make dist`
# and the release workflow:
#   scripts/package-windows.sh VERSION APP.exe CLI.exe OUTDIR
# writes OUTDIR/trusted-app-tester-VERSION-windows-amd64.msi (per-user),
# OUTDIR/trusted-app-tester-VERSION-windows-amd64-machine.msi (per-machine) and the
# winget manifest for them in OUTDIR/winget/ (scripts/winget-manifest.sh).
# With SIGN_PFX set (scripts/sign-windows.sh says how), the two .exe files are signed
# before they go into the MSIs and the MSIs after; without it they stay unsigned and
# this says so. The files in bin/ are never changed: signing works on copies.
set -euo pipefail
usage="usage: scripts/package-windows.sh VERSION APP.exe CLI.exe OUTDIR"
version=${1:?$usage} app=${2:?$usage} cli=${3:?$usage} out=${4:?$usage}
cd "$(dirname "$0")/.."
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$app" "$stage/trustedapp-tester.exe"
cp "$cli" "$stage/trustedapp-check.exe"
user=$out/trusted-app-tester-$version-windows-amd64.msi
machine=$out/trusted-app-tester-$version-windows-amd64-machine.msi
if [ -n "${SIGN_PFX:-}" ]; then
  scripts/sign-windows.sh sign "$stage/trustedapp-tester.exe" "$stage/trustedapp-check.exe"
else
  echo "package-windows: SIGN_PFX is not set: the .exe files and the MSIs are not signed"
fi
scripts/build-msi.sh "$version" "$stage/trustedapp-tester.exe" "$stage/trustedapp-check.exe" "$user" user
scripts/build-msi.sh "$version" "$stage/trustedapp-tester.exe" "$stage/trustedapp-check.exe" "$machine" machine
[ -n "${SIGN_PFX:-}" ] && scripts/sign-windows.sh sign "$user" "$machine"
scripts/winget-manifest.sh "$version" "$user" "$machine" "$out/winget"
