#!/usr/bin/env bash
# The winget manifest of a release (packaging/winget): the version, defaultLocale and
# installer files for the two MSIs, validated against winget's published schemas.
#   scripts/winget-manifest.sh VERSION USER.msi MACHINE.msi OUTDIR
# WINGET_URL_BASE is where the release serves the MSIs; the release workflow sets it to
# the GitHub release's download folder. Without it the manifest names
# https://trustedapptester.net/download/vVERSION (a local `make dist` only checks it).
# ProductCode and UpgradeCode come from each MSI's Property table (msiinfo).
set -euo pipefail
usage="usage: scripts/winget-manifest.sh VERSION USER.msi MACHINE.msi OUTDIR"
version=${1:?$usage} user=${2:?$usage} machine=${3:?$usage} out=${4:?$usage}
cd "$(dirname "$0")/.."
command -v msiinfo >/dev/null || { echo "winget-manifest: msiinfo is missing (scripts/install-deps.sh --windows)" >&2; exit 3; }
url=${WINGET_URL_BASE:-https://trustedapptester.net/download/v$version}
prop() { # MSI NAME: one value of the MSI's Property table
  msiinfo export "$1" Property | tr -d '\r' | awk -F'\t' -v n="$2" '$1 == n {print $2}'
}
args=()
for pair in "user=$user" "machine=$machine"; do
  scope=${pair%%=*} msi=${pair#*=}
  [ -s "$msi" ] || { echo "winget-manifest: $msi is missing or empty" >&2; exit 2; }
  pc=$(prop "$msi" ProductCode) uc=$(prop "$msi" UpgradeCode)
  [ -n "$pc" ] && [ -n "$uc" ] || { echo "winget-manifest: $msi has no ProductCode or UpgradeCode" >&2; exit 1; }
  args+=(-msi "$scope=$msi,$pc,$uc")
done
rm -rf "$out"
go run ./packaging/winget -version "$version" -url-base "$url" -out "$out" "${args[@]}"
