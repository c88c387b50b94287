#!/usr/bin/env bash
# Runs a Windows program under Wine 64-bit, wherever the distribution put it
# (Debian 12: /usr/lib/wine/wine64, not on the PATH).
#   scripts/wine/wine.sh PROGRAM [ARGS...]     (WINEPREFIX from the environment)
#   scripts/wine/wine.sh --path                 prints the wine64 it would use
# Quiet and without the Mono/Gecko installers unless the environment says otherwise.
# Without Wine's UI Automation too: Wine 8.0 exports UiaRaiseStructureChangedEvent as an
# unimplemented stub, which aborts an app built with Fyne's -tags accessibility (the
# release builds); without the DLL, Fyne's screen-reader support stays off.
set -euo pipefail
export WINEDEBUG=${WINEDEBUG--all} WINEDLLOVERRIDES=${WINEDLLOVERRIDES-mscoree,mshtml,uiautomationcore=}
wine=""
for w in wine64 /usr/lib/wine/wine64 /usr/lib64/wine/wine64 wine; do
  if command -v "$w" >/dev/null 2>&1; then wine=$(command -v "$w"); break; fi
done
[ -n "$wine" ] || { echo "wine: wine64 is not installed (scripts/install-deps.sh --windows)" >&2; exit 3; }
if [ "${1:-}" = --path ]; then echo "$wine"; exit 0; fi
exec "$wine" "$@"
