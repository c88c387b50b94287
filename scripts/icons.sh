#!/usr/bin/env bash
# Renders the app icon from its one source, assets/icon.svg, at the sizes the
# desktops use: hicolor PNGs for Linux (16 to 512 px, plus the SVG itself) and a
# multi-size .ico for Windows (16 to 256 px).
#   scripts/icons.sh OUTDIR    -> OUTDIR/hicolor/NxN/apps/ID.png, OUTDIR/hicolor/scalable/apps/ID.svg,
#                                 OUTDIR/app.ico
# Needs rsvg-convert (librsvg2-bin) and ImageMagick's convert (scripts/install-deps.sh).
set -euo pipefail
out=${1:?usage: scripts/icons.sh OUTDIR}
here=$(cd "$(dirname "$0")/.." && pwd)
id=net.trustedapptester.app
svg="$here/assets/icon.svg"
convert=/usr/bin/convert # /usr/local/bin/convert may be a stand-in on some machines
[ -x "$convert" ] || convert=$(command -v convert)
command -v rsvg-convert >/dev/null || { echo "icons: rsvg-convert is missing (apt-get install librsvg2-bin)" >&2; exit 3; }

mkdir -p "$out/hicolor/scalable/apps"
cp "$svg" "$out/hicolor/scalable/apps/$id.svg"
for n in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "$out/hicolor/${n}x${n}/apps"
  rsvg-convert -w "$n" -h "$n" "$svg" -o "$out/hicolor/${n}x${n}/apps/$id.png"
done
ico=()
for n in 16 24 32 48 64 128 256; do ico+=("$out/hicolor/${n}x${n}/apps/$id.png"); done
"$convert" "${ico[@]}" "$out/app.ico"
echo "icons: $out (hicolor 16-512 px + SVG, app.ico 16-256 px)"
