#!/usr/bin/env bash
# Windows, tested on this Linux machine under Wine (`make test-windows`):
#   scripts/test-windows.sh VERSION USER.msi MACHINE.msi WINDOWS-CLI.exe [WINDOWS-APP.exe]
# 1. the test binaries of every package that builds without cgo, cross-compiled for
#    windows/amd64 and run under Wine (profile store, atomic writes on Windows paths,
#    Credential Manager with its 2,560-byte limit, reports, the engine against the
#    sandbox, ...);
# 2. the Windows CLI against the sandbox: check, token, a profile with its secret in
#    Credential Manager, Windows quoting and paths in what it prints; then (2b) a
#    proxy set in the Windows registry, taken by the CLI, recorded passing the run;
# 3. the resources of both .exe files (icon, manifest, version) and Authenticode: both
#    .exe files and both MSIs signed with a throwaway CA and verified, a changed copy
#    refused (scripts/test-signing.sh); then the release's packaging with that
#    certificate (package-windows.sh: signed .exe files inside signed MSIs, the winget
#    manifest); those MSIs are the ones installed next;
# 4. each MSI, per-user then per-machine: installed silently (Wine's msiexec runs as an
#    administrator, as Intune and SCCM do), its files, Start-menu shortcut, Apps entry
#    (InstallLocation, EstimatedSize) and PATH entry (the user's, the system's) checked,
#    the CLI run from the PATH in a new process; the per-user app started with --sandbox
#    under Xvfb, the healthy scenario tested with Ctrl+Enter and its pass read from the
#    app's own history log (and a screenshot); an upgrade to a newer MSI of the same
#    scope; then the uninstall: files, shortcut, Apps entry, PATH entry and registry
#    keys gone, profiles and secrets kept.
# A fresh Wine prefix per run (scripts/wine/prefix.sh). Screenshots and logs go to
# out/test-windows/. SHOT=FILE also copies the installed app's screenshot there;
# SKIP_UNIT=1 skips phase 1 (to re-run the CLI and installer phases quickly);
# SKIP_INSTALLER=1 stops after phase 2 (no MSI or app needed: `make test-windows-cli`).
set -euo pipefail
version=$1 msi=$2 msi_machine=$3 wincli=$4 winapp=${5:-}
cd "$(dirname "$0")/.."
repo=$(pwd)
go=${GO:-go}
out=$repo/out/test-windows
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d /tmp/test-windows.XXXXXX)
unset TRUSTEDAPP_STORE TRUSTEDAPP_AUDIT TRUSTEDAPP_SECRET TRUSTEDAPP_REQUIRE_KEYRING
export WINEPREFIX=$work/prefix # wine.sh sets WINEDEBUG and WINEDLLOVERRIDES
wine=$repo/scripts/wine/wine.sh
wineserver="$(dirname "$("$wine" --path)")/wineserver"
sandbox_pid="" xvfb_pid="" recproxy_pid=""
# cleanup keeps the script's exit status: a process already gone (the proxy stopped by
# its phase) must not turn a passing run into a failing one under set -e.
cleanup() {
	local rc=$?
	set +e
	[ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null
	[ -n "$recproxy_pid" ] && kill "$recproxy_pid" 2>/dev/null
	"$wineserver" -k 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
fail() { echo "test-windows: FAIL: $*" >&2; exit 1; }
step() { echo "test-windows: $*"; }
for tool in Xvfb xdpyinfo xdotool import wixl; do
	command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh --windows)"
done

"$repo/scripts/wine/prefix.sh" "$WINEPREFIX" >/dev/null
winhome=$WINEPREFIX/drive_c/users/$(id -un)
[ -d "$winhome" ] || winhome=$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -1)

# ---------------------------------------------------------------- 1. unit tests
if [ "${SKIP_UNIT:-}" != 1 ]; then
step "cross-compiling the test binaries of the cgo-free packages"
mkdir -p "$work/tests"
# ui builds without cgo too, but is left out for now: its tests use t.TempDir (whose
# cleanup fails under Wine 8) and Unix ways to make a store unwritable; running them
# under Wine found the forward-slash paths in the status line (fixed in ui/files.go).
# Each package's import path and folder, from one go list.
declare -A dir_of
while read -r p dir; do dir_of[$p]=$dir; done < <(CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $go list -e \
	-f '{{if and (not .DepsErrors) (not .Error) (or .TestGoFiles .XTestGoFiles)}}{{.ImportPath}} {{.Dir}}{{end}}' ./... | grep -v '^trustedapp-tester/ui ')
pkgs=$(printf '%s\n' "${!dir_of[@]}" | sort)
[ -n "$pkgs" ] || fail "no package to test"
passed=0 failed=0 failures=""
for p in $pkgs; do
	name=$(echo "${p#trustedapp-tester/}" | tr / _)
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $go test -c -o "$work/tests/$name.test.exe" "$p"
done
step "running $(echo "$pkgs" | wc -w) test binaries under Wine"
for p in $pkgs; do
	name=$(echo "${p#trustedapp-tester/}" | tr / _)
	start=$(date +%s)
	# The package's own folder as the working directory (testdata), as go test does.
	run_test() { (cd "${dir_of[$p]}" && TRUSTEDAPP_REQUIRE_KEYRING=1 "$wine" "$work/tests/$name.test.exe" -test.count=1 -test.timeout=15m >"$out/$name.log" 2>&1); }
	# Wine itself sometimes loses a process's link to the wineserver ("wine client
	# error: recvmsg: Connection reset by peer") before the test binary prints anything:
	# that run tested nothing, so it runs once more, said. A test's own failure never does.
	wine_lost() { ! grep -qvE '^wine client error:' "$out/$name.log" && grep -q '^wine client error:' "$out/$name.log"; }
	if run_test || { wine_lost && echo "note $p: Wine lost the process's link to the wineserver before the test printed anything ($(head -1 "$out/$name.log")); running it again" && run_test; }; then
		passed=$((passed + 1)); echo "ok   $p $(($(date +%s) - start))s (windows/amd64 under Wine)"
	else
		failed=$((failed + 1)); failures="$failures $p"
		echo "FAIL $p"; grep -E -A8 '^(--- FAIL|panic:)' "$out/$name.log" | head -40 || tail -20 "$out/$name.log"
	fi
done
echo "windows test binaries: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || fail "under Wine:$failures (logs in $out)"
fi

# ------------------------------------------------------------ 2. the CLI
step "the Windows CLI against the sandbox"
CGO_ENABLED=0 $go build -o "$work/sandbox-cli" ./cmd/trustedapp-check
. scripts/sandbox.sh
sandbox_start "$work/sandbox-cli" "$work/sandbox.json" || fail "no sandbox"
cp "$wincli" "$work/trustedapp-check.exe"
cli() { "$wine" "$work/trustedapp-check.exe" "$@"; }
v=$(cli version | tr -d '\r') || fail "the Windows CLI does not start"
[[ $v == *" $version"* ]] || fail "the Windows CLI says '$v', want $version"
printf %s "$secret" | cli check --instance "$inst" --client-id "$cid" --secret-stdin >"$out/cli-check.txt" 2>&1 \
	|| fail "check of the healthy scenario failed: $(cat "$out/cli-check.txt")"
tok=$(printf %s "$secret" | cli token --instance "$inst" --client-id "$cid" --secret-stdin | tr -d '\r') || fail "token failed"
[[ $tok =~ ^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$ ]] || fail "token printed '${tok:0:20}...', not a JWT"
cli profiles add "Win test" --instance "$inst" --client-id "$cid" --scope "read update" >"$out/cli-add.txt" 2>&1 || fail "profiles add: $(cat "$out/cli-add.txt")"
grep -qF 'set-secret "Win test"' "$out/cli-add.txt" || fail "the CLI does not quote the Windows way: $(cat "$out/cli-add.txt")"
grep -qF 'C:\users\' "$out/cli-add.txt" || fail "the CLI does not name the Windows store path: $(cat "$out/cli-add.txt")"
printf %s "$secret" | cli profiles set-secret "Win test" >"$out/cli-secret.txt" 2>&1 || fail "set-secret (Credential Manager): $(cat "$out/cli-secret.txt")"
cli check "Win test" >"$out/cli-check-stored.txt" 2>&1 || fail "check with the stored secret: $(cat "$out/cli-check-stored.txt")"
cli profiles show "Win test" >"$out/cli-show.txt" 2>&1 || fail "profiles show"
grep -qi 'keychain\|credential' "$out/cli-show.txt" || fail "show does not say the secret is stored: $(cat "$out/cli-show.txt")"
store=$winhome/AppData/Roaming/trustedapp-tester/profiles.json
[ -s "$store" ] || fail "no profile store at $store"
! grep -qF "$secret" "$store" || fail "the secret reached the profile file"
step "CLI: check, token, profiles add/set-secret/check with Credential Manager: OK"

# ------------------------------------------- 2b. the system proxy from the registry
# A proxy set in Windows' Internet Settings (ProxyEnable/ProxyServer, as Internet
# Options writes them; <-loopback> so the sandbox on 127.0.0.1 goes through it too)
# is the one the Windows CLI takes when neither the profile nor the environment sets
# one. A small recording proxy (plain Go, built here) logs every request it passes on.
step "the Windows CLI through a proxy set in the Windows registry"
mkdir -p "$work/recproxy"
cat >"$work/recproxy/main.go" <<'GO'
// A recording HTTP proxy: CONNECT tunnels and absolute-form requests, each logged.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
)

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	logf, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	var mu sync.Mutex
	record := func(s string) { mu.Lock(); fmt.Fprintln(logf, s); logf.Sync(); mu.Unlock() }
	fmt.Println(l.Addr().String())
	os.Stdout.Close()
	tr := &http.Transport{Proxy: nil}
	http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r.Method + " " + r.RequestURI)
		if r.Method == http.MethodConnect {
			up, err := net.Dial("tcp", r.Host)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			c, buf, _ := w.(http.Hijacker).Hijack()
			io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
			go func() { io.Copy(up, buf); up.Close() }()
			io.Copy(c, up)
			c.Close()
			return
		}
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		r.RequestURI = ""
		r.Header.Del("Proxy-Connection")
		resp, err := tr.RoundTrip(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
}
GO
(cd "$work/recproxy" && CGO_ENABLED=0 GOFLAGS= GO111MODULE=off $go build -o recproxy main.go) || fail "cannot build the recording proxy"
: >"$work/recproxy/addr"
"$work/recproxy/recproxy" "$out/registry-proxy.log" >"$work/recproxy/addr" 2>&1 &
recproxy_pid=$!
for _ in $(seq 50); do [ -s "$work/recproxy/addr" ] && break; sleep 0.1; done
pxaddr=$(head -1 "$work/recproxy/addr")
[[ $pxaddr == 127.0.0.1:* ]] || fail "the recording proxy did not start: $pxaddr"
inetkey='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
"$wine" reg add "$inetkey" /v ProxyEnable /t REG_DWORD /d 1 /f >/dev/null
"$wine" reg add "$inetkey" /v ProxyServer /t REG_SZ /d "$pxaddr" /f >/dev/null
"$wine" reg add "$inetkey" /v ProxyOverride /t REG_SZ /d '<-loopback>' /f >/dev/null
noenv=(env -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy -u NO_PROXY -u no_proxy -u ALL_PROXY -u all_proxy)
"${noenv[@]}" "$wine" "$work/trustedapp-check.exe" check "Win test" --fresh >"$out/cli-check-registry-proxy.txt" 2>&1 \
	|| fail "check through the registry's proxy: $(cat "$out/cli-check-registry-proxy.txt")"
tr -d '\r' <"$out/cli-check-registry-proxy.txt" | grep -qF "Proxy: system Internet Options → $pxaddr" \
	|| fail "the report does not name the registry's proxy: $(cat "$out/cli-check-registry-proxy.txt")"
host=${inst#*://}; host=${host%%/*}
grep -qF " http://$host/" "$out/registry-proxy.log" || fail "the recording proxy saw no request to $host: $(cat "$out/registry-proxy.log")"
grep -qF " http://$host/id/connect/token" "$out/registry-proxy.log" || fail "the token request did not go through the proxy: $(cat "$out/registry-proxy.log")"
"${noenv[@]}" "$wine" "$work/trustedapp-check.exe" profiles show "Win test" >"$out/cli-show-registry-proxy.txt" 2>&1 || fail "profiles show"
tr -d '\r' <"$out/cli-show-registry-proxy.txt" | grep -qF "system Internet Options → $pxaddr (now, for $host)" \
	|| fail "profiles show does not name the registry's proxy: $(cat "$out/cli-show-registry-proxy.txt")"
# The proxy gone: the failure names it and where it came from.
kill "$recproxy_pid" 2>/dev/null; wait "$recproxy_pid" 2>/dev/null || true; recproxy_pid=""
if "${noenv[@]}" "$wine" "$work/trustedapp-check.exe" check "Win test" >"$out/cli-check-registry-proxy-down.txt" 2>&1; then
	fail "check passed with the registry's proxy down"
fi
tr -d '\r' <"$out/cli-check-registry-proxy-down.txt" | grep -qF "net.proxy" || fail "no net.proxy with the proxy down: $(cat "$out/cli-check-registry-proxy-down.txt")"
tr -d '\r' <"$out/cli-check-registry-proxy-down.txt" | grep -qF "Where the proxy was chosen: system Internet Options → $pxaddr" \
	|| fail "the failure does not say where the proxy came from: $(cat "$out/cli-check-registry-proxy-down.txt")"
"$wine" reg add "$inetkey" /v ProxyEnable /t REG_DWORD /d 0 /f >/dev/null
"$wine" reg delete "$inetkey" /v ProxyServer /f >/dev/null
"$wine" reg delete "$inetkey" /v ProxyOverride /f >/dev/null
step "CLI through the registry's proxy: $(grep -c . "$out/registry-proxy.log") requests recorded, the report and profiles show name it, its failure names it: OK"
if [ "${SKIP_INSTALLER:-}" = 1 ]; then
	step "the installer phase is skipped (SKIP_INSTALLER=1; make test-windows runs it)"
	exit 0
fi

# ------------------------------------------- 3. resources and Authenticode
[ -n "$winapp" ] && [ -s "$winapp" ] || fail "the installer phase needs the Windows app (WINDOWS-APP.exe, the 5th argument)"
step "the resources of both .exe files (icon, manifest, version)"
$go run ./packaging/winres -name trustedapp-tester -version "$version" -identity net.trustedapptester.app \
	-description "Trusted App Tester" "$winapp" >"$out/winres-app.txt" 2>&1 || fail "the app's resources: $(cat "$out/winres-app.txt")"
$go run ./packaging/winres -name trustedapp-check -version "$version" -identity net.trustedapptester.check \
	-description "Trusted App Tester command-line checks" "$wincli" >"$out/winres-cli.txt" 2>&1 || fail "the CLI's resources: $(cat "$out/winres-cli.txt")"
step "Authenticode with a throwaway CA: both .exe files and both MSIs"
start=$(date +%s)
scripts/test-signing.sh -k "$work/ca" "$winapp" "$wincli" "$msi" "$msi_machine" >"$out/signing.txt" 2>&1 || fail "signing: $(cat "$out/signing.txt")"
sed 's/^/  /' "$out/signing.txt"
# The release's own path with that certificate: package-windows.sh signs the .exe files,
# packs them into both MSIs, signs the MSIs and writes the winget manifest. Those MSIs,
# and the signed .exe files inside them, are what is installed below.
SIGN_PFX=$work/ca/signer.pfx SIGN_PASSWORD_FILE=$work/ca/password SIGN_CAFILE=$work/ca/testca.crt \
	WINGET_URL_BASE=https://example.test/download/v$version \
	scripts/package-windows.sh "$version" "$winapp" "$wincli" "$work/release" >"$out/package-signed.txt" 2>&1 ||
	fail "package-windows.sh with a certificate: $(cat "$out/package-signed.txt")"
signed_user=$work/release/$(basename "$msi") signed_machine=$work/release/$(basename "$msi_machine")
for m in "$signed_user" "$signed_machine"; do
	scripts/sign-windows.sh verify "$work/ca/testca.crt" "$m" >/dev/null || fail "$m: the release's MSI is not signed"
	rm -rf "$work/extract" && mkdir -p "$work/extract"
	(cd "$work/extract" && msiextract "$m" >/dev/null) || fail "msiextract $m"
	n=0
	while IFS= read -r exe; do
		scripts/sign-windows.sh verify "$work/ca/testca.crt" "$exe" >/dev/null || fail "$m: $(basename "$exe") inside it is not signed"
		n=$((n + 1))
	done < <(find "$work/extract" -name '*.exe')
	[ "$n" = 2 ] || fail "$m holds $n .exe files, want 2"
done
$go run ./packaging/winget -check "$work/release/winget" >/dev/null || fail "the release's winget manifest does not validate"
step "signing took $(($(date +%s) - start)) s: both MSIs from package-windows.sh signed, with both .exe files inside signed; these are installed below"

# ------------------------------------------------------ 4. the installers
winuser=${winhome##*/}
audit=$winhome/AppData/Local/TrustedAppTester/audit.jsonl
uninstall_key='Software\Microsoft\Windows\CurrentVersion\Uninstall'
arp() { # the Add/Remove Programs entries named Trusted App Tester (Wine files per-user ones under HKLM)
	for hive in HKCU HKLM; do "$wine" reg query "$hive\\$uninstall_key" /s 2>/dev/null; done |
		tr -d '\r' | grep -A30 '^HKEY' | awk '/^HKEY/{k=$0} /DisplayName.*Trusted App Tester/{print k}' | sort -u
}
regval() { # KEY NAME: one value's data, as reg query prints it (empty when there is none)
	"$wine" reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | sed -n "s/^ *$2 *REG_[A-Z_]* *//Ip" | head -1
}
count() { # NEEDLE HAYSTACK: how often NEEDLE occurs
	grep -o -F -- "$1" <<<"$2" | wc -l
}

# The per-user installer runs the app under Xvfb: the healthy scenario, from its Start-menu install.
run_app() {
	step "starting the installed app with --sandbox under Xvfb"
	local display="" win="" passed_run="" h colours
	for n in $(seq 90 130); do [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { display=:$n; break; }; done
	[ -n "$display" ] || fail "no free X display"
	Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
	xvfb_pid=$!
	export DISPLAY=$display
	for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
	# The earlier steps ran console programs without a display: a wineserver (and its
	# desktop process) still up from them has no X display, and the app's first window
	# then fails ("Win32: Failed to create helper window"). Start it afresh on this display.
	"$wineserver" -k 2>/dev/null || true
	"$wineserver" -w 2>/dev/null || true
	LANG=en_US.UTF-8 "$wine" "$installdir/trustedapp-tester.exe" --sandbox >"$out/app.log" 2>&1 &
	for _ in $(seq 120); do
		win=$(xdotool search --name '^Trusted App Tester$' 2>/dev/null | head -1) && [ -n "$win" ] && break
		sleep 0.5
	done
	[ -n "$win" ] || { import -window root "$out/app-no-window.png"; fail "the installed app showed no window in 60 s (log: $(tail -5 "$out/app.log"))"; }
	# The sandbox profiles appear, "Sandbox: healthy" is selected; wait until it has drawn.
	sleep 8
	xdotool mousemove 700 500 click 1 2>/dev/null || true
	xdotool windowfocus "$win" 2>/dev/null || true
	xdotool key --clearmodifiers ctrl+Return
	for _ in $(seq 60); do
		if [ -f "$audit" ] && tr -d '\r' <"$audit" | grep '"profile":"Sandbox: healthy"' | grep -q '"kind":"api".*"status":200'; then
			passed_run=yes; break
		fi
		sleep 0.5
	done
	sleep 2
	import -window root "$out/installed-app.png"
	[ -n "$passed_run" ] || fail "no passing run of the healthy scenario in the app's history log (screenshot $out/installed-app.png)"
	h=$(tr -d '\r' <"$audit" | grep '"profile":"Sandbox: healthy"')
	grep -q '"kind":"token".*"status":200' <<<"$h" || fail "the app's history has no issued token: $h"
	if grep -v '"status":200' <<<"$h" | grep -q .; then fail "the healthy run had a failing request: $h"; fi
	[ "$(grep -c '"kind":"api"' <<<"$h")" -ge 3 ] || fail "the healthy run made fewer than 3 API calls: $h"
	colours=$(/usr/bin/convert "$out/installed-app.png" -format '%k' info:)
	[ "$colours" -ge 64 ] || fail "the screenshot looks blank ($colours colours)"
	[ -n "${SHOT:-}" ] && cp "$out/installed-app.png" "$SHOT"
	"$wineserver" -k 2>/dev/null || true
	sleep 1
	step "installed app: healthy scenario passed (token 200, $(grep -c '"kind":"api"' <<<"$h") API calls 200); screenshot $out/installed-app.png"
}

# What an installed copy must look like: files, shortcut, one Apps entry with the
# version, InstallLocation and EstimatedSize, the folder once on the PATH, the CLI
# found through it by a new process.
check_installed() { # APPS-ENTRY-VERSION (the upgrade MSI packs the same binaries under a newer number)
	local want=$1 key pc kb size loc path
	for f in trustedapp-tester.exe trustedapp-check.exe README.txt THIRD-PARTY-NOTICES.txt; do
		[ -f "$installdir/$f" ] || fail "$scope: the installer did not put $f in $installdir"
	done
	[ -f "$lnk" ] || [ -f "$lnk_wine" ] || fail "$scope: no Start-menu shortcut at $lnk ($(find "$WINEPREFIX/drive_c" -name 'Trusted App Tester.lnk' 2>/dev/null))"
	[ "$(arp | wc -l)" = 1 ] || fail "$scope: want one Add/Remove Programs entry, got: $(arp)"
	key=$(arp)
	[ "$(regval "$key" DisplayVersion)" = "$want" ] || fail "$scope: the Apps entry shows version '$(regval "$key" DisplayVersion)', want $want"
	loc=$(regval "$key" InstallLocation)
	[ "$loc" = "$dirwin" ] || fail "$scope: the Apps entry's InstallLocation is '$loc', want '$dirwin'"
	# EstimatedSize: the KB the four installed files take. The per-user value is in
	# HKCU's Uninstall key, where Windows lists per-user products (Wine files their
	# entries under HKLM, and writes 0 there: its RegisterProduct has a FIXME).
	pc=${key##*\\}
	size=$(regval "$sizehive\\$uninstall_key\\$pc" EstimatedSize)
	kb=$((($(stat -c %s "$installdir"/trustedapp-tester.exe "$installdir"/trustedapp-check.exe "$installdir"/README.txt "$installdir"/THIRD-PARTY-NOTICES.txt | paste -sd+) + 1023) / 1024))
	[ -n "$size" ] && [ "$((size))" = "$kb" ] || fail "$scope: the Apps entry's EstimatedSize is '$size', want $kb (KB)"
	path=$(regval "$envkey" PATH)
	[ "$(count "$dirwin" "$path")" = 1 ] || fail "$scope: the PATH in $envkey has '$dirwin' $(count "$dirwin" "$path") times: $path"
	# A new process finds the CLI through the PATH it builds from the registry. Wine
	# leaves an empty entry (";;") in the system PATH when it removes one (an upgrade
	# removes, then adds), and Wine's cmd stops its search at an empty entry, which
	# Windows skips: so the search runs on that PATH without empty entries.
	"$wineserver" -k 2>/dev/null || true
	"$wineserver" -w 2>/dev/null || true
	path=$("$wine" cmd /c 'echo %PATH%' | tr -d '\r' | sed 's/;;*/;/g')
	[[ $path == *"$dirwin"* ]] || fail "$scope: a new process's PATH lacks '$dirwin': $path"
	v=$("$wine" cmd /c "set PATH=$path&& trustedapp-check version" 2>&1 | tr -d '\r') || fail "$scope: trustedapp-check is not found through the PATH: $v"
	[[ $v == *" $version" ]] || fail "$scope: trustedapp-check from the PATH says '$v', want $version"
	a=$("$wine" "$installdir/trustedapp-tester.exe" --version | tr -d '\r')
	[[ $a == *" $version" ]] || fail "$scope: the installed app says '$a', want $version"
	# Typed in cmd, as an admin would: the GUI program prints into cmd's console.
	a=$(cd "$installdir" && "$wine" cmd /c trustedapp-tester.exe --version </dev/null | tr -d '\r')
	[[ $a == *" $version" ]] || fail "$scope: trustedapp-tester.exe --version in cmd says '$a', want $version"
	step "$scope: files, shortcut, Apps entry ($want, InstallLocation $loc, EstimatedSize $((size)) KB), PATH, trustedapp-check from the PATH: OK"
}

test_installer() { # SCOPE SIGNED.msi
	scope=$1
	local file=$2 msiwin='C:\setup.msi' start next pc
	case $scope in
	user)
		installdir="$winhome/AppData/Local/Programs/Trusted App Tester"
		dirwin="C:\\users\\$winuser\\AppData\\Local\\Programs\\Trusted App Tester\\"
		lnk="$winhome/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Trusted App Tester.lnk" lnk_wine=$lnk
		envkey='HKCU\Environment' sizehive=HKCU regkey='HKCU\Software\Trusted App Tester' ;;
	machine)
		installdir="$WINEPREFIX/drive_c/Program Files/Trusted App Tester"
		dirwin='C:\Program Files\Trusted App Tester\'
		lnk="$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Trusted App Tester.lnk"
		# Windows puts a per-machine shortcut in every user's Start menu (above); Wine's
		# msi puts ProgramMenuFolder in the installing user's ("FIXME: set to AllUsers
		# profile path if ALLUSERS is set", dlls/msi/package.c).
		lnk_wine="$winhome/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Trusted App Tester.lnk"
		envkey='HKLM\System\CurrentControlSet\Control\Session Manager\Environment' sizehive=HKLM regkey='HKLM\Software\Trusted App Tester' ;;
	esac
	cp "$file" "$WINEPREFIX/drive_c/setup.msi"
	step "$scope: installing $(basename "$file") silently"
	start=$(date +%s)
	"$wine" msiexec /i "$msiwin" /qn || fail "$scope: msiexec /i exited $?"
	step "$scope: installed in $(($(date +%s) - start)) s"
	check_installed "${version%%[-+]*}"
	if [ "$scope" = user ]; then run_app; fi

	step "$scope: upgrading to a newer MSI"
	next="${version%%[-+]*}"; next="${next%.*}.$((${next##*.} + 1))"
	scripts/build-msi.sh "$next" "$installdir/trustedapp-tester.exe" "$installdir/trustedapp-check.exe" "$work/next.msi" "$scope" >/dev/null
	cp "$work/next.msi" "$WINEPREFIX/drive_c/next.msi"
	"$wine" msiexec /i 'C:\next.msi' /qn || fail "$scope: the upgrade exited $?"
	check_installed "$next"
	pc=$(arp); pc=${pc##*\\}

	step "$scope: uninstalling"
	"$wine" msiexec /x 'C:\next.msi' /qn || fail "$scope: msiexec /x exited $?"
	[ ! -e "$installdir" ] || fail "$scope: files remain after the uninstall: $(ls "$installdir")"
	[ ! -e "$lnk" ] && [ ! -e "$lnk_wine" ] || fail "$scope: the Start-menu shortcut remains after the uninstall"
	[ -z "$(arp)" ] || fail "$scope: the Add/Remove Programs entry remains: $(arp)"
	! "$wine" reg query "$regkey" >/dev/null 2>&1 || fail "$scope: the installer's registry key $regkey remains"
	! "$wine" reg query "$sizehive\\$uninstall_key\\$pc" >/dev/null 2>&1 || fail "$scope: $sizehive\\$uninstall_key\\$pc remains"
	[ "$(count "$dirwin" "$(regval "$envkey" PATH)")" = 0 ] || fail "$scope: the PATH still names the folder: $(regval "$envkey" PATH)"
	[ -s "$store" ] || fail "$scope: the uninstall removed the user's profiles"
	cli profiles show "Win test" >"$out/cli-show-after.txt" 2>&1 || fail "$scope: the profile is gone after the uninstall"
	printf %s "" | cli check "Win test" >"$out/cli-check-after.txt" 2>&1 || fail "$scope: the stored secret is gone after the uninstall: $(cat "$out/cli-check-after.txt")"
	step "$scope: uninstalled: files, shortcut, Apps entry, PATH entry and registry keys gone; profile and secret kept"
}

test_installer user "$signed_user"
test_installer machine "$signed_machine"

for f in "$msi" "$msi_machine"; do
	if [ -s "$(dirname "$f")/SHA256SUMS" ]; then
		(cd "$(dirname "$f")" && sha256sum --quiet -c SHA256SUMS) >"$out/sha256sums.txt" 2>&1 || fail "$(dirname "$f")/SHA256SUMS does not match the MSI tested: $(cat "$out/sha256sums.txt")"
		grep -q " $(basename "$f")\$" "$(dirname "$f")/SHA256SUMS" || fail "$(dirname "$f")/SHA256SUMS does not list $(basename "$f")"
	fi
done
step "OK: tests, CLI, resources, signatures, and both MSIs installed, run, upgraded and uninstalled; $version under $("$wine" --version 2>/dev/null || echo Wine)"
