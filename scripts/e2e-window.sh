#!/bin/sh
# The desktop app's window on small and scaled screens, and without a display, as a
# user meets them (`make e2e`):
#   1. no DISPLAY: a plain message naming what is missing and the CLI, exit status 4,
#      no Go panic;
#   2. under Xvfb at 1024x640, and at 1920x1080 with FYNE_SCALE=2: the whole window
#      (measured with xwininfo) lies on the screen;
#   3. the size and place it was left at are remembered, and a window remembered on a
#      bigger screen is brought back onto a smaller one (800x600).
#
#   scripts/e2e-window.sh [BINARY]
#
# Screenshots go to out/e2e-window/. Needs xvfb-run, xwininfo and ImageMagick's import.
set -eu
BIN=${1:-bin/trustedapp-tester}
OUT=out/e2e-window
fail() { echo "e2e-window: FAIL: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "no binary at $BIN (make app)"
for tool in xvfb-run xwininfo import; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (scripts/install-deps.sh)"
done
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
export LANG=en_US.UTF-8

# ---- 1. no display
set +e
env -u DISPLAY -u WAYLAND_DISPLAY HOME="$WORK/nodisplay" XDG_CONFIG_HOME="$WORK/nodisplay" \
	TRUSTEDAPP_STORE="$WORK/nodisplay/p.json" TRUSTEDAPP_AUDIT="$WORK/nodisplay/a.log" \
	"$BIN" >"$WORK/nodisplay.out" 2>&1
status=$?
set -e
[ "$status" -eq 4 ] || { cat "$WORK/nodisplay.out" >&2; fail "without a display the app exited $status, want 4"; }
grep -q "cannot open its window" "$WORK/nodisplay.out" || fail "no message without a display"
grep -q "no display to open a window on" "$WORK/nodisplay.out" || fail "the message does not say what is missing"
grep -q "trustedapp-check help" "$WORK/nodisplay.out" || fail "the message does not offer the CLI"
if grep -Eq "panic|goroutine [0-9]" "$WORK/nodisplay.out"; then
	cat "$WORK/nodisplay.out" >&2
	fail "a Go panic without a display"
fi
echo "e2e-window: ok   no display: the message and exit status 4, no panic"

# ---- 2 and 3. the window on a screen
cat >"$WORK/inner.sh" <<'INNER'
#!/bin/sh
# inner.sh HOME SHOT: start the app, wait for its window, print "x y w h", screenshot.
H=$1 SHOT=$2
HOME=$H XDG_CONFIG_HOME=$H/.config TRUSTEDAPP_STORE=$H/p.json TRUSTEDAPP_AUDIT=$H/a.log "$BIN" >"$H/log" 2>&1 &
pid=$!
i=0
while [ $i -lt 80 ]; do
	xwininfo -name "Trusted App Tester" >/dev/null 2>&1 && break
	kill -0 $pid 2>/dev/null || { echo "the app exited" >&2; exit 3; }
	sleep 0.25; i=$((i + 1))
done
sleep 3 # the first frames, and the placement's correction
LC_ALL=C xwininfo -name "Trusted App Tester" | awk '/Absolute upper-left X/{x=$4} /Absolute upper-left Y/{y=$4} /Width:/{w=$2} /Height:/{h=$2} END{print x, y, w, h}'
import -window root "$SHOT"
sleep 2.5 # the window's place is remembered every 2 s
kill $pid; wait $pid 2>/dev/null
exit 0
INNER
chmod +x "$WORK/inner.sh"
export BIN

# run NAME WxH [ENV...]: the window must lie wholly on the WxH screen.
run() {
	name=$1 size=$2; shift 2
	mkdir -p "$WORK/$home"
	geo=$(env "$@" xvfb-run -a -s "-screen 0 ${size}x24" "$WORK/inner.sh" "$WORK/$home" "$OUT/$name.png") ||
		{ cat "$WORK/$home/log" >&2; fail "$name: the window did not appear"; }
	set -- $geo
	sw=${size%x*} sh=${size#*x}
	[ "$#" -eq 4 ] || fail "$name: xwininfo said '$geo'"
	if [ "$1" -lt 0 ] || [ "$2" -lt 0 ] || [ $(($1 + $3)) -gt "$sw" ] || [ $(($2 + $4)) -gt "$sh" ]; then
		fail "$name: the window ${3}x${4} at $1,$2 is not wholly on the ${size} screen"
	fi
	echo "e2e-window: ok   $name: ${3}x${4} at $1,$2 on ${size} ($OUT/$name.png)"
}
home=small run 1024x640 1024x640 FYNE_SCALE=1
home=scaled run 1920x1080-scale2 1920x1080 FYNE_SCALE=2
pref=$WORK/scaled/.config/fyne/net.trustedapptester.app/preferences.json
grep -q '"mainWindow"' "$pref" || fail "the window's place was not remembered ($pref)"
# Remembered on the big screen (937x508 units at scale 2), opened on a smaller one at
# scale 1: moved and shrunk onto it.
home=scaled run remembered-on-800x600 800x600 FYNE_SCALE=1
