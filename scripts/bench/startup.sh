#!/usr/bin/env bash
# startup.sh APP BARE TMPDIR: the desktop app beside a bare Fyne window (BARE, built
# from scripts/bench/barewindow.go: the same Fyne, the same window size, one label),
# started in turn under the X display of the caller (xvfb-run in bench-process.sh):
# the time until each window is mapped, and its resident memory (VmRSS) 4 s later.
# The app starts on an empty store, and with --sandbox (the sandbox and its scenario
# profiles). N_WIN runs each (default 5) after one warm-up of each; it prints the
# median and the range, and the app's memory as a multiple of the bare window's
# (target: at most 1.3, docs/benchmarks.md).
set -euo pipefail
app=$1 bare=$2 tmp=$3 n=${N_WIN:-5}
[ -n "${DISPLAY:-}" ] || { echo "startup.sh: run it under an X display (xvfb-run)" >&2; exit 3; }

# startup TITLE CMD...: prints "MS KIB": milliseconds until a window called TITLE is
# mapped, and the process's resident KiB 4 s later.
startup() {
	local t0 t1 pid rss
	t0=$(date +%s%N)
	"${@:2}" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 1000); do
		xwininfo -root -tree 2>/dev/null | grep -q "\"$1\"" && break
		sleep 0.01
	done
	t1=$(date +%s%N)
	sleep 4
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	echo "$(((t1 - t0) / 1000000)) $rss"
}

# median_range: "MEDIAN (MIN-MAX)" of the numbers on stdin.
median_range() { sort -n | awk '{v[NR]=$1} END {printf "%d (%d-%d)", v[int((NR+1)/2)], v[1], v[NR]}'; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

: >"$tmp/bare.txt"
: >"$tmp/plain.txt"
: >"$tmp/sandbox.txt"
for i in $(seq 0 "$n"); do # run 0 warms up the system font index and the file caches
	b=$(startup "Bare window" "$bare")
	p=$(TRUSTEDAPP_STORE=$tmp/plain-$i.json startup "Trusted App Tester" "$app")
	s=$(TRUSTEDAPP_STORE=$tmp/sandbox-$i.json startup "Trusted App Tester" "$app" --sandbox)
	[ "$i" = 0 ] && continue
	echo "$b" >>"$tmp/bare.txt"
	echo "$p" >>"$tmp/plain.txt"
	echo "$s" >>"$tmp/sandbox.txt"
done

bare_rss=$(cut -d' ' -f2 "$tmp/bare.txt" | median)
echo "desktop app beside a bare Fyne window, median (min-max) of $n runs each:"
for f in bare plain sandbox; do
	case $f in
	bare) label="bare Fyne window" ;;
	plain) label="app, empty store" ;;
	sandbox) label="app --sandbox" ;;
	esac
	rss=$(cut -d' ' -f2 "$tmp/$f.txt" | median)
	printf '  %-17s window mapped after %s ms, RSS %s MiB: %s x the bare window\n' "$label" \
		"$(cut -d' ' -f1 "$tmp/$f.txt" | median_range)" \
		"$(cut -d' ' -f2 "$tmp/$f.txt" | awk '{print int($1/1024)}' | median_range)" \
		"$(awk -v a="$rss" -v b="$bare_rss" 'BEGIN {printf "%.2f", a / b}')"
done
