#!/usr/bin/env bash
# Installs the system packages Trusted App Tester needs to build, test and run on
# Debian/Ubuntu. Idempotent: packages already present are not touched, and apt-get
# runs only when something is missing. Uses sudo when not root.
#   scripts/install-deps.sh                      what ./run demo and ./run test need
#   scripts/install-deps.sh --windows            also the Windows cross-build, installer
#                                                and Wine test tools (about 600 MB; only
#                                                make dist-windows / test-windows use them)
#   scripts/install-deps.sh --windows-resources  also MinGW's windres alone
#   scripts/install-deps.sh --prometheus         also Prometheus and promtool (only make
#                                                test-prometheus uses them)
set -euo pipefail

# What each group is for:
#  build:  cgo toolchain and the X11/GL/Wayland headers GLFW (Fyne's driver) compiles against
#  test:   Xvfb + imagemagick for the end-to-end screenshot test, gnome-keyring + dbus
#          for the real Secret Service tests, make
#  icons:  rsvg-convert to render assets/icon.svg (only `make icon` uses it)
#  linux packages: desktop-file-validate and appstreamcli for the installer checks
PACKAGES=(
  make git ca-certificates
  gcc libc6-dev pkg-config
  libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
  libwayland-dev libxkbcommon-dev
  xvfb xauth x11-utils libgl1-mesa-dri imagemagick
  dbus gnome-keyring
  librsvg2-bin
  desktop-file-utils appstream xz-utils zip
)
case "${1:-}" in
  --windows) # MinGW (cgo cross-build, windres), wixl + msitools (MSI), Wine + xdotool (make
    # test-windows), osslsigncode + openssl (Authenticode, and its test with a throwaway CA)
    PACKAGES+=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wixl msitools wine64 xdotool osslsigncode openssl) ;;
  --windows-resources)
    PACKAGES+=(binutils-mingw-w64-x86-64) ;;
  --prometheus) # Debian's prometheus (2.42, with promtool): make test-prometheus, where a
    # real server scrapes `watch --listen` and promtool checks the metrics and the alert
    # rules; about 25 s to install, 96 MB
    PACKAGES+=(prometheus) ;;
  "") ;;
  *) echo "install-deps: unknown option $1 (use --windows, --windows-resources or --prometheus)" >&2; exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "install-deps: these packages are missing and you are not root (and there is no sudo): ${missing[*]}" >&2
      exit 3
    fi
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go: the module asks for go 1.26; any Go >= 1.21 fetches that toolchain by itself
# (GOTOOLCHAIN=auto). /usr/local/go is where the official tarball installs.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="$PATH:/usr/local/go/bin"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-deps: Go is not installed; trying Debian's golang-go"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends golang-go >/dev/null || true
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-deps: Go is missing. Install Go 1.21 or newer from https://go.dev/dl and run this again." >&2
  exit 3
fi
minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${minor:-0}" -lt 21 ] 2>/dev/null; then
  echo "install-deps: $(go env GOVERSION) is too old to fetch the toolchain this project needs; install Go 1.21 or newer from https://go.dev/dl." >&2
  exit 3
fi

# Debian's prometheus package enables and starts a server on port 9090 of every
# interface where systemd runs. The tests start their own on the loopback: when this
# script installed the package, the system service is stopped and disabled again.
if [[ " ${missing[*]:-} " == *" prometheus "* ]] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO systemctl disable --now prometheus.service >/dev/null 2>&1 \
    && echo "install-deps: stopped and disabled the prometheus service the package started (the tests run their own)"
fi
