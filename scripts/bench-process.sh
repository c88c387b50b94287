#!/usr/bin/env bash
# Whole-process measurements for docs/benchmarks.md (run by `make bench`, never by the
# test suite): the CLI's full check and token commands against the sandbox compared with
# a bare curl token request, and the desktop app's start-up beside a bare Fyne window.
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=bin/trustedapp-check APP=bin/trustedapp-tester N=${N:-20}
[ -x "$CLI" ] && [ -x "$APP" ] || { echo "bench-process: build first (make app cli)" >&2; exit 3; }
sandbox_pid=""
tmp=$(mktemp -d); trap '[ -z "$sandbox_pid" ] || kill "$sandbox_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT

. scripts/sandbox.sh
sandbox_start "$CLI" "$tmp/sb.json" || exit 3

timeit() { # timeit LABEL CMD...: mean wall time of N runs
  local start end; start=$(date +%s%N)
  for _ in $(seq "$N"); do "${@:2}" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  printf '%-44s %6d.%01d ms/run\n' "$1" $(((end - start) / N / 1000000)) $(((end - start) / N / 100000 % 10))
}
export TRUSTEDAPP_SECRET=$secret TRUSTEDAPP_STORE=$tmp/profiles.json TRUSTEDAPP_AUDIT=$tmp/audit.jsonl
echo "whole-process, mean of $N runs, sandbox on loopback:"
timeit "trustedapp-check check (7 steps, JSON)" "$CLI" check --instance "$inst" --client-id "$cid" --scope "read update" --json
timeit "trustedapp-check token" "$CLI" token --instance "$inst" --client-id "$cid" --scope "read update"
timeit "curl token request (no checks at all)" curl -s -d grant_type=client_credentials -d "client_id=$cid" -d "client_secret=$secret" -d "scope=read update" "$inst/id/connect/token"

# The desktop app beside a bare Fyne window: time to the window and resident memory
# (scripts/bench/startup.sh, under one Xvfb display).
"${GO:-go}" build -o bin/bare-window scripts/bench/barewindow.go
LANG=en_US.UTF-8 xvfb-run -a -s '-screen 0 1280x800x24' scripts/bench/startup.sh "$APP" bin/bare-window "$tmp"
