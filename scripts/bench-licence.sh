#!/usr/bin/env bash
# Licence benchmark (run by `make bench`, never by the test suite): N consecutive
# `trustedapp-check check` processes for one stored profile against a sandbox that has
# only SLOTS licence slots. Each process is new, so only the system keychain can carry
# the token, and with it the ERP.net session, from one run to the next. All N must pass
# (exit 1 otherwise). For comparison it then runs the same N with --fresh (a new token,
# so a new session, every time) against a new sandbox and counts how many pass.
#
# Runs itself under scripts/with-keyring.sh: a private D-Bus session with a real,
# unlocked gnome-keyring, and temporary config/data directories.
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=bin/trustedapp-check N=${N:-30} SLOTS=${SLOTS:-3}
[ -x "$CLI" ] || { echo "bench-licence: build first (make cli)" >&2; exit 3; }
if [ -z "${TRUSTEDAPP_BENCH_IN_KEYRING:-}" ]; then
  exec scripts/with-keyring.sh env TRUSTEDAPP_BENCH_IN_KEYRING=1 "$0" "$@"
fi
tmp=$(mktemp -d)
sandbox_pid=
stop_sandbox() { if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi; }
trap 'stop_sandbox; rm -rf "$tmp"' EXIT
export TRUSTEDAPP_STORE=$tmp/profiles.json TRUSTEDAPP_AUDIT=$tmp/audit.jsonl
. scripts/sandbox.sh

start_sandbox() { # start_sandbox: a new sandbox with $SLOTS licence slots; sets inst cid secret
  stop_sandbox
  sandbox_start "$CLI" "$tmp/sb.json" --licence-slots "$SLOTS" || { echo "bench-licence: no sandbox" >&2; exit 3; }
}

series() { # series LABEL [FLAGS...]: N consecutive processes; prints the figures
  local label=$1 pass=0 opened=0 reused=0 licence=0 start end i
  shift
  start=$(date +%s%N)
  for i in $(seq "$N"); do
    if "$CLI" check bench --json "$@" >"$tmp/run.json" 2>"$tmp/run.err"; then
      pass=$((pass + 1))
    fi
    grep -q '"state": "opened"' "$tmp/run.json" && opened=$((opened + 1))
    grep -q '"state": "reused"' "$tmp/run.json" && reused=$((reused + 1))
    grep -q '"code": "api.license_exhausted"' "$tmp/run.json" && licence=$((licence + 1))
  done
  end=$(date +%s%N)
  printf '%-34s %2d of %d passed; sessions opened %2d, reused %2d; MaximumLicenseCountExceeded in %2d; %4d ms/run\n' \
    "$label" "$pass" "$N" "$opened" "$reused" "$licence" $(((end - start) / N / 1000000))
  [ "$pass" -eq "$N" ]
}

start_sandbox
"$CLI" profiles add bench --instance "$inst" --client-id "$cid" --scope "read update" >/dev/null
printf %s "$secret" | "$CLI" profiles set-secret bench >/dev/null
echo "licence benchmark: $N consecutive check processes, one profile, sandbox with $SLOTS licence slots:"
ok=0
series "reusing the token (keychain)" || ok=1
start_sandbox
"$CLI" profiles edit bench --instance "$inst" >/dev/null
series "--fresh every time (for contrast)" --fresh || true
exit $ok
