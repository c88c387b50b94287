#!/usr/bin/env bash
# Authenticode for the Windows files (.exe and .msi), with osslsigncode, on Linux:
#   scripts/sign-windows.sh sign FILE...            signs each file in place, then verifies it
#   scripts/sign-windows.sh verify CAFILE FILE...   checks each signature against CAFILE
# sign reads the certificate from the environment:
#   SIGN_PFX            a PKCS#12 file (.pfx) with the code-signing key and certificate chain
#   SIGN_PASSWORD       its password (or SIGN_PASSWORD_FILE, a file holding it); it reaches
#                       osslsigncode through a private temporary file, never the command line
#   SIGN_TIMESTAMP_URL  an RFC 3161 time-stamping server (optional; releases set one, so
#                       signatures stay valid after the certificate expires)
#   SIGN_CAFILE         the roots to verify against after signing (default: the system's,
#                       /etc/ssl/certs/ca-certificates.crt)
# The release workflow and the tests (scripts/test-signing.sh, with a throwaway CA) run
# this same script: the real certificate only changes the secrets.
set -euo pipefail
usage="usage: scripts/sign-windows.sh sign FILE... | verify CAFILE FILE..."
die() { echo "sign-windows: $1" >&2; exit "${2:-1}"; }
command -v osslsigncode >/dev/null || die "osslsigncode is missing (apt-get install osslsigncode)" 3
[ $# -ge 2 ] || die "$usage" 2
cmd=$1; shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

verify() { # CAFILE FILE: osslsigncode verifies the signature, the chain and the file's hash
	local ca=$1 f=$2
	if ! osslsigncode verify -CAfile "$ca" -TSA-CAfile "$ca" -in "$f" >"$tmp/verify.log" 2>&1; then
		die "$f: the signature does not verify against $ca: $(grep -vE 'PE checksum|^Failed$|^$' "$tmp/verify.log" | tail -3 | tr '\n' ' ')"
	fi
	grep -q '^Signature verification: ok' "$tmp/verify.log" || die "$f: osslsigncode did not report 'Signature verification: ok'"
}

case $cmd in
verify)
	ca=$1; shift
	[ -s "$ca" ] || die "the CA file $ca is missing or empty" 2
	[ $# -ge 1 ] || die "$usage" 2
	for f in "$@"; do
		[ -s "$f" ] || die "$f is missing or empty" 2
		verify "$ca" "$f"
		echo "sign-windows: $f: signature verified"
	done
	;;
sign)
	[ -n "${SIGN_PFX:-}" ] || die "SIGN_PFX is not set (a .pfx with the code-signing certificate)" 2
	[ -s "$SIGN_PFX" ] || die "SIGN_PFX: $SIGN_PFX is missing or empty" 2
	umask 077
	if [ -n "${SIGN_PASSWORD_FILE:-}" ]; then
		[ -r "$SIGN_PASSWORD_FILE" ] || die "SIGN_PASSWORD_FILE: $SIGN_PASSWORD_FILE cannot be read" 2
		cp "$SIGN_PASSWORD_FILE" "$tmp/pass"
	else
		printf %s "${SIGN_PASSWORD:-}" >"$tmp/pass"
	fi
	ts=()
	[ -n "${SIGN_TIMESTAMP_URL:-}" ] && ts=(-ts "$SIGN_TIMESTAMP_URL")
	ca=${SIGN_CAFILE:-/etc/ssl/certs/ca-certificates.crt}
	for f in "$@"; do
		[ -s "$f" ] || die "$f is missing or empty" 2
		case $f in *.exe | *.msi) ;; *) die "$f: only .exe and .msi files are signed here" 2 ;; esac
		# The signed copy replaces the file only once osslsigncode has finished.
		if ! osslsigncode sign -pkcs12 "$SIGN_PFX" -readpass "$tmp/pass" -h sha256 \
			-n "Trusted App Tester" -i https://trustedapptester.net "${ts[@]}" \
			-in "$f" -out "$tmp/signed" >"$tmp/sign.log" 2>&1; then
			die "$f: osslsigncode could not sign it: $(grep -v '^$' "$tmp/sign.log" | tail -3 | tr '\n' ' ')"
		fi
		cat "$tmp/signed" >"$f" # keeps the file's own mode and owner
		rm -f "$tmp/signed"
		verify "$ca" "$f"
		echo "sign-windows: $f: signed${ts:+ and time-stamped} and verified"
	done
	;;
*) die "$usage" 2 ;;
esac
