#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a real, unlocked gnome-keyring
# (Secret Service), so the keyring tests use the same backend a Linux desktop has.
# A fresh keyring directory and config/data directories per run keep the user's own
# keyring, profiles and audit log out of reach. DISPLAY is unset: tests are headless.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: dbus-run-session and gnome-keyring-daemon are needed (scripts/install-deps.sh installs them)" >&2
  exit 3
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" TRUSTEDAPP_REQUIRE_KEYRING=1
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
unset DISPLAY WAYLAND_DISPLAY
exec dbus-run-session -- bash -c '
  printf %s "ci-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' with-keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
