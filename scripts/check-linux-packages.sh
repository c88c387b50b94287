#!/usr/bin/env bash
# Checks the Linux deliverables as installers, as a user's machine would see them:
#   scripts/check-linux-packages.sh VERSION DISTDIR
# .deb: control fields, md5sums that match, copyright and changelog, file list and
#       ownership, a valid .desktop entry identical to the tarball's, AppStream
#       metainfo that appstreamcli accepts and whose newest release is VERSION, icons
#       at every size, third-party notices, and both programs running with VERSION.
# .rpm: the same file list, version and dependencies, read from its header.
# tarball: the fyne layout, the notices, and the app running with VERSION.
set -euo pipefail
version=$1 dist=$2
cd "$(dirname "$0")/.."
fail() { echo "check-linux-packages: FAIL: $*" >&2; exit 1; }
deb="$dist/trusted-app-tester_${version}-1_amd64.deb"
rpm="$dist/trusted-app-tester-${version}-1.x86_64.rpm"
tarball="$dist/trusted-app-tester-${version}-linux-amd64.tar.xz"
for f in "$deb" "$rpm" "$tarball"; do [ -s "$f" ] || fail "$f was not built"; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The files both packages must install.
id=net.trustedapptester.app doc=/usr/share/doc/trusted-app-tester
want=(/usr/bin/trustedapp-tester /usr/bin/trustedapp-check
      /usr/share/applications/$id.desktop /usr/share/metainfo/$id.metainfo.xml
      /usr/share/icons/hicolor/scalable/apps/$id.svg
      $doc/README $doc/copyright $doc/THIRD-PARTY-NOTICES.txt)
for n in 16 22 24 32 48 64 128 256 512; do want+=("/usr/share/icons/hicolor/${n}x${n}/apps/$id.png"); done
# The watch's systemd user service and timer (not enabled), and the alert rules.
units=/usr/lib/systemd/user
want+=($units/trustedapp-check-watch.service $units/trustedapp-check-watch.timer $doc/prometheus/trustedapp-alerts.yml)

# --- .deb
info=$(dpkg-deb --info "$deb")
for f in "Package: trusted-app-tester" "Version: ${version}-1" "Architecture: amd64" \
         "Depends: libc6, libgl1, libx11-6, libwayland-client0" "Recommends: " "Section: net" "Homepage: "; do
  grep -qF "$f" <<<"$info" || fail ".deb control lacks '$f'"
done
list=$(dpkg-deb --contents "$deb")
for f in "${want[@]}" "$doc/changelog.Debian.gz"; do grep -qF " .$f" <<<"$list" || fail "the .deb lacks $f"; done
if grep -Ev ' (root/root|0/0) ' <<<"$list" | grep -q .; then fail "the .deb has files not owned by root"; fi
mkdir "$tmp/deb" "$tmp/control"
dpkg-deb --extract "$deb" "$tmp/deb"
dpkg-deb --control "$deb" "$tmp/control"
[ -s "$tmp/control/md5sums" ] || fail "the .deb has no md5sums"
(cd "$tmp/deb" && md5sum --quiet -c "$tmp/control/md5sums") || fail "the .deb's md5sums do not match its files"
[ "$(wc -l <"$tmp/control/md5sums")" -ge "${#want[@]}" ] || fail "md5sums lists fewer files than the package has"
zcat "$tmp/deb$doc/changelog.Debian.gz" | head -1 | grep -qF "trusted-app-tester ($version" || fail "changelog.Debian.gz does not start with $version"
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$tmp/deb$doc/copyright" || fail "copyright is not machine-readable"
desktop-file-validate "$tmp/deb/usr/share/applications/$id.desktop" || fail "the .desktop entry is not valid"
appstreamcli validate --no-net --pedantic "$tmp/deb/usr/share/metainfo/$id.metainfo.xml" >"$tmp/as.log" 2>&1 || { cat "$tmp/as.log" >&2; fail "appstreamcli rejects the metainfo"; }
newest=$(grep -o '<release version="[^"]*"' "$tmp/deb/usr/share/metainfo/$id.metainfo.xml" | head -1 | cut -d'"' -f2)
[ "$newest" = "$version" ] || fail "the metainfo's newest release is '$newest', the version is $version"
for n in 16 48 256 512; do
  sz=$(/usr/bin/identify -format '%wx%h' "$tmp/deb/usr/share/icons/hicolor/${n}x${n}/apps/$id.png")
  [ "$sz" = "${n}x${n}" ] || fail "the ${n}x${n} icon is $sz"
done
for mod in fyne.io/fyne/v2 github.com/go-gl/glfw golang.org/x/oauth2 github.com/zalando/go-keyring "Go standard library"; do
  grep -qF "$mod" "$tmp/deb$doc/THIRD-PARTY-NOTICES.txt" || fail "THIRD-PARTY-NOTICES.txt lacks $mod"
done
a=$("$tmp/deb/usr/bin/trustedapp-tester" --version) || fail "the packaged app does not run"
c=$("$tmp/deb/usr/bin/trustedapp-check" version) || fail "the packaged CLI does not run"
grep -qF " $version" <<<"$a" || fail "the packaged app says '$a', the package is $version"
grep -qF " $version" <<<"$c" || fail "the packaged CLI says '$c', the package is $version"

# The watch's user units: valid for systemd (systemd-analyze verify, where it exists,
# against the packaged binary), running `watch --once`, and enabled by nothing.
grep -qx 'ExecStart=/usr/bin/trustedapp-check watch --once .*' "$tmp/deb$units/trustedapp-check-watch.service" || fail "the watch service does not run trustedapp-check watch --once"
grep -qx 'WantedBy=timers.target' "$tmp/deb$units/trustedapp-check-watch.timer" || fail "the watch timer has no [Install] WantedBy=timers.target"
if grep -q '\.wants/' <<<"$list"; then fail "the .deb enables a unit (a .wants/ link)"; fi
if [ -e "$tmp/control/postinst" ] && grep -qE 'systemctl|deb-systemd' "$tmp/control/postinst"; then fail "the .deb's postinst enables units"; fi
if command -v systemd-analyze >/dev/null 2>&1; then
  mkdir -p "$tmp/units" "$tmp/xdg" && chmod 700 "$tmp/xdg"
  sed "s#/usr/bin/trustedapp-check#$tmp/deb/usr/bin/trustedapp-check#" "$tmp/deb$units/trustedapp-check-watch.service" >"$tmp/units/trustedapp-check-watch.service"
  cp "$tmp/deb$units/trustedapp-check-watch.timer" "$tmp/units/"
  XDG_RUNTIME_DIR="$tmp/xdg" systemd-analyze --user verify "$tmp/units/trustedapp-check-watch.service" "$tmp/units/trustedapp-check-watch.timer" >"$tmp/verify.log" 2>&1 \
    || { cat "$tmp/verify.log" >&2; fail "systemd-analyze verify rejects the watch units"; }
  if [ -s "$tmp/verify.log" ]; then cat "$tmp/verify.log" >&2; fail "systemd-analyze verify warns about the watch units"; fi
else
  echo "check-linux-packages: systemd-analyze is not installed: the watch units' syntax is not verified" >&2
fi

# --- tarball (fyne package)
mkdir "$tmp/tar"
tar -C "$tmp/tar" -xJf "$tarball"
t="$tmp/tar/trustedapp-tester"
for f in Makefile usr/local/bin/trustedapp-tester "usr/local/share/applications/$id.desktop" "usr/local/share/pixmaps/$id.png" THIRD-PARTY-NOTICES.txt; do
  [ -e "$t/$f" ] || fail "the tarball lacks trustedapp-tester/$f"
done
cmp -s "$t/usr/local/share/applications/$id.desktop" "$tmp/deb/usr/share/applications/$id.desktop" \
  || fail "the tarball's .desktop entry differs from the .deb's: $(diff "$t/usr/local/share/applications/$id.desktop" "$tmp/deb/usr/share/applications/$id.desktop" | tr '\n' ' ')"
cmp -s "$t/usr/local/bin/trustedapp-tester" "$tmp/deb/usr/bin/trustedapp-tester" || fail "the tarball and the .deb carry different app builds"
for k in GenericName Comment Categories Keywords; do
  v=$(sed -n "s/^$k=//p" "$t/usr/local/share/applications/$id.desktop")
  [ -n "$v" ] || fail "the .desktop entry has no $k"
done

# --- .rpm (no rpm tool needed: the header is read in Go)
go run ./packaging/rpminfo "$rpm" >"$tmp/rpm.txt" || fail "the .rpm cannot be read"
grep -qx "name: trusted-app-tester" "$tmp/rpm.txt" || fail "the .rpm's name is wrong: $(head -3 "$tmp/rpm.txt")"
grep -qx "version: $version" "$tmp/rpm.txt" || fail "the .rpm's version is not $version"
grep -qx "arch: x86_64" "$tmp/rpm.txt" || fail "the .rpm is not for x86_64"
for f in "${want[@]}"; do grep -qx "file: $f" "$tmp/rpm.txt" || fail "the .rpm lacks $f"; done
for r in 'libGL.so.1()(64bit)' 'libX11.so.6()(64bit)' 'libwayland-client.so.0()(64bit)'; do
  grep -qxF "requires: $r" "$tmp/rpm.txt" || fail "the .rpm does not require $r"
done
grep -q '^changelog: .*First release' "$tmp/rpm.txt" || fail "the .rpm has no changelog"
# SHA256SUMS lists every file in DISTDIR, each with its current hash.
[ -s "$dist/SHA256SUMS" ] || fail "$dist/SHA256SUMS is missing"
listed=$(awk '{print $2}' "$dist/SHA256SUMS" | LC_ALL=C sort)
present=$(find "$dist" -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | LC_ALL=C sort)
[ "$listed" = "$present" ] || fail "$dist/SHA256SUMS does not list exactly the files in $dist: $(diff <(echo "$listed") <(echo "$present") | grep '^[<>]' | tr '\n' ' ')"
(cd "$dist" && sha256sum --quiet -c SHA256SUMS) >"$tmp/sums.txt" 2>&1 || fail "$dist/SHA256SUMS is stale: $(grep -v "^sha256sum:" "$tmp/sums.txt" | tr "\n" " ")"
echo "check-linux-packages: OK: .deb, .rpm and tarball of $version (both programs say $version; md5sums, copyright, changelog, desktop entry, metainfo, icons, notices, watch units; SHA256SUMS current)"
