#!/usr/bin/env bash
# Builds the Debian/Ubuntu package from the built binaries:
#   scripts/build-deb.sh APP CLI VERSION OUT.deb
# The package installs the desktop app and the CLI in /usr/bin, a .desktop entry and
# the icon. GLFW links libGL, libX11 and libwayland-client and loads the other X
# libraries when present (cursor shapes, several monitors); the keychain is the
# desktop's Secret Service (gnome-keyring or KeePassXC).
set -euo pipefail
app=$1 cli=$2 version=$3 out=$4
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

install -D -s -m 0755 "$app" "$root/usr/bin/trustedapp-tester"
install -D -s -m 0755 "$cli" "$root/usr/bin/trustedapp-check"
install -D -m 0644 "$here/assets/icon.png" "$root/usr/share/icons/hicolor/512x512/apps/net.trustedapptester.app.png"
install -d "$root/usr/share/applications" "$root/usr/share/doc/trusted-app-tester" "$root/DEBIAN"
cat > "$root/usr/share/applications/net.trustedapptester.app.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Trusted App Tester
GenericName=OAuth client credentials tester
Comment=Test ERP.net Trusted Applications: token, System User, scopes, API calls, and what to fix
Exec=trustedapp-tester
Icon=net.trustedapptester.app
Terminal=false
Categories=Development;
Keywords=ERP.net;OAuth;OAuth2;JWT;token;client credentials;
StartupWMClass=Trusted App Tester
DESKTOP
cat > "$root/usr/share/doc/trusted-app-tester/README" <<DOC
Trusted App Tester $version

  trustedapp-tester            the desktop app
  trustedapp-tester --sandbox  the desktop app on a local ERP.net emulator (no server needed)
  trustedapp-check --help      the command-line checks, for scripts and CI

Client secrets are kept in the desktop's Secret Service keychain (gnome-keyring or
KeePassXC); without one, the app keeps them in memory for the session only.
DOC
size=$(du -sk "$root/usr" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: trusted-app-tester
Version: $version
Architecture: amd64
Maintainer: Trusted App Tester team <support@trustedapptester.net>
Installed-Size: $size
Depends: libc6, libgl1, libx11-6, libwayland-client0
Recommends: libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1, gnome-keyring | keepassxc
Section: net
Priority: optional
Homepage: https://trustedapptester.net
Description: test ERP.net Trusted Applications (OAuth2 client credentials)
 Requests a token from an ERP.net instance exactly as a service integration does,
 verifies it against the instance's keys, shows the System User, database and
 scopes (requested vs granted), runs sample Domain API calls, and explains every
 failure with the Trusted App fields to change. Includes a local instance
 emulator (sandbox) and the trustedapp-check command-line tool.
CONTROL
mkdir -p "$(dirname "$out")"
dpkg-deb --build --root-owner-group -Zxz "$root" "$out" >/dev/null
echo "build-deb: $out ($(du -h "$out" | cut -f1))"
