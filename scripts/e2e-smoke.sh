#!/bin/sh
# End-to-end smoke test of the desktop app: start the built binary with --sandbox under
# Xvfb, wait for its window to be mapped, take a screenshot and fail if it is blank.
#
#   scripts/e2e-smoke.sh [BINARY] [SCREENSHOT]
#
# Defaults: bin/trustedapp-tester and out/e2e-smoke.png. Needs xvfb-run, xwininfo and
# ImageMagick (import, convert). Uses a throwaway profile store and audit log.
set -eu

BIN=${1:-bin/trustedapp-tester}
SHOT=${2:-out/e2e-smoke.png}
TIMEOUT=${E2E_TIMEOUT:-20}

fail() { echo "e2e-smoke: FAIL: $*" >&2; exit 1; }

[ -x "$BIN" ] || fail "no binary at $BIN: build it first (go build -tags migrated_fynedo -o bin/trustedapp-tester .)"
for tool in xvfb-run xwininfo import convert; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (apt-get install xvfb x11-utils imagemagick)"
done
mkdir -p "$(dirname "$SHOT")"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --version prints the name and version, one line, and nothing else (Fyne logged an
# error per theme icon a package made at init, before the app existed).
ver=$(HOME="$WORK" "$BIN" --version 2>&1) || fail "--version exited $?: $ver"
[ "$(printf '%s\n' "$ver" | wc -l)" = 1 ] && case $ver in *rror*) false ;; esac ||
	fail "--version printed more than its version:
$ver"
echo "e2e-smoke: --version: $ver"

# The inner script runs inside Xvfb: start the app, poll for its window, screenshot.
cat >"$WORK/inner.sh" <<'INNER'
#!/bin/sh
BIN=$1; SHOT=$2; TIMEOUT=$3; LOG=$4
"$BIN" --sandbox >"$LOG" 2>&1 &
pid=$!
i=0
mapped=no
while [ "$i" -lt $((TIMEOUT * 4)) ]; do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "the app exited before its window appeared" >&2
		exit 3
	fi
	if xwininfo -root -tree 2>/dev/null | grep -q '"Trusted App Tester"'; then
		mapped=yes
		break
	fi
	sleep 0.25
	i=$((i + 1))
done
if [ "$mapped" != yes ]; then
	kill "$pid" 2>/dev/null
	echo "no window titled \"Trusted App Tester\" within ${TIMEOUT}s" >&2
	exit 4
fi
# Let the first frames (and the sandbox profiles) draw.
sleep 3
import -window root "$SHOT"
status=$?
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
exit $status
INNER
chmod +x "$WORK/inner.sh"

export LANG=en_US.UTF-8
export TRUSTEDAPP_STORE="$WORK/profiles.json"
export TRUSTEDAPP_AUDIT="$WORK/audit.jsonl"
export HOME="$WORK/home"
mkdir -p "$HOME"
if ! xvfb-run -a -s '-screen 0 1280x800x24' "$WORK/inner.sh" "$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")" "$SHOT" "$TIMEOUT" "$WORK/app.log"; then
	echo "--- app output ---" >&2
	cat "$WORK/app.log" >&2 || true
	fail "the app did not show its window (see the output above)"
fi
[ -s "$SHOT" ] || fail "no screenshot was written to $SHOT"

sd=$(convert "$SHOT" -colorspace Gray -format '%[fx:standard_deviation]' info:)
colours=$(convert "$SHOT" -format '%k' info:)
if ! awk -v sd="$sd" -v c="$colours" 'BEGIN { exit !(sd > 0.02 && c >= 16) }'; then
	fail "the screenshot $SHOT looks blank (grey-level standard deviation $sd, $colours distinct colours)"
fi
echo "e2e-smoke: OK: window drawn; screenshot $SHOT has $colours colours (grey-level standard deviation $sd)"
