#!/usr/bin/env bash
# The Linux deliverables from one build of each program:
#   scripts/dist-linux.sh VERSION APP CLI OUTDIR
# - the `fyne package` tarball (app, .desktop entry, icon, a Makefile for `make
#   user-install` / `sudo make install`) with the third-party notices added;
# - the .deb and the .rpm, both from packaging/linux/nfpm.yaml: both programs, the
#   .desktop entry taken from the tarball (FyneApp.toml is its one source), icons at
#   16-512 px and the SVG, the AppStream metainfo, README, copyright, changelog and
#   third-party notices.
# Needs bin/fyne and bin/nfpm (the Makefile installs them), rsvg-convert and ImageMagick.
set -euo pipefail
version=$1 app=$2 cli=$3 out=$4
cd "$(dirname "$0")/.."
fyne=${FYNE:-bin/fyne} nfpm=${NFPM:-bin/nfpm}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"

go run ./packaging/notices -o "$stage/THIRD-PARTY-NOTICES.txt" "$app" "$cli"

# The tarball. `fyne package -release` bumps Build in FyneApp.toml: keep the tracked file.
tarball="$out/trusted-app-tester-$version-linux-amd64.tar.xz"
cp FyneApp.toml "$stage/FyneApp.toml.keep"
status=0
"$fyne" package -os linux -release -executable "$app" -name "Trusted App Tester" -app-version "$version" >"$stage/fyne.log" 2>&1 || status=$?
cp "$stage/FyneApp.toml.keep" FyneApp.toml
if [ $status -ne 0 ]; then cat "$stage/fyne.log" >&2; echo "dist-linux: fyne package failed" >&2; exit $status; fi
mkdir "$stage/tar"
tar -C "$stage/tar" -xJf "Trusted App Tester.tar.xz"
rm -f "Trusted App Tester.tar.xz"
top=$(ls "$stage/tar")
cp "$stage/THIRD-PARTY-NOTICES.txt" "$stage/tar/$top/THIRD-PARTY-NOTICES.txt"
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@"$epoch" -C "$stage/tar" -cf - "$top" | xz -T0 -6 >"$tarball"
desktop=$(find "$stage/tar" -name 'net.trustedapptester.app.desktop')
[ -f "$desktop" ] || { echo "dist-linux: the fyne tarball has no net.trustedapptester.app.desktop" >&2; exit 1; }

# The packages' staging area.
install -m 0755 "$app" "$stage/trustedapp-tester"
install -m 0755 "$cli" "$stage/trustedapp-check"
cp "$desktop" "$stage/net.trustedapptester.app.desktop"
scripts/icons.sh "$stage/icons" >/dev/null
cat >"$stage/README" <<DOC
Trusted App Tester $version

  trustedapp-tester            the desktop app
  trustedapp-tester --sandbox  the desktop app on a local ERP.net emulator (no server needed)
  trustedapp-check --help      the command-line checks, for scripts and CI

Client secrets are kept in the desktop's Secret Service keychain (gnome-keyring or
KeePassXC); without one, the app keeps them in memory for the session only.
Profiles: ~/.config/trustedapp-tester/profiles.json; history:
~/.local/share/trustedapp-tester/. Removing the package leaves both, and the
keychain entries, in place.
DOC
# nfpm expands ${VERSION} but not the paths in contents: fill in ${STAGE} here.
sed "s|\${STAGE}|$stage|g" packaging/linux/nfpm.yaml >"$stage/nfpm.yaml"
for fmt in deb rpm; do
  VERSION=$version SOURCE_DATE_EPOCH=$epoch "$nfpm" package --config "$stage/nfpm.yaml" --packager "$fmt" --target "$out/" >"$stage/nfpm.log" 2>&1 \
    || { cat "$stage/nfpm.log" >&2; echo "dist-linux: nfpm could not build the .$fmt" >&2; exit 1; }
done
echo "dist-linux: $(cd "$out" && ls -1 ./*"$version"*linux* ./*.deb ./*.rpm 2>/dev/null | sort -u | tr '\n' ' ')"
