#!/usr/bin/env bash
# Proves the Authenticode step end to end with a throwaway certificate:
#   scripts/test-signing.sh [-k KEEPDIR] FILE...      (.exe and .msi files)
# Makes a test CA and a code-signing certificate issued by it (openssl), signs a copy of
# each FILE with scripts/sign-windows.sh (the script the release workflow runs with the
# real certificate), verifies each signature against the test CA, and checks that
# verification fails where it must: against another CA, and after the signed file was
# changed. Also the signing script's own errors: a wrong password, no certificate, a
# file that is not there. -k KEEPDIR keeps the test CA (testca.crt) and the signing
# certificate (signer.pfx, its password in password), so make test-windows can run the
# release's packaging with them. `make test` runs it on the Windows CLI (a few seconds).
set -euo pipefail
keep=""
if [ "${1:-}" = -k ]; then keep=${2:?-k needs a folder}; shift 2; fi
[ $# -ge 1 ] || { echo "usage: scripts/test-signing.sh [-k KEEPDIR] FILE..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
sign=$here/sign-windows.sh
tools="openssl osslsigncode"
case " $* " in *.msi\ *) tools="$tools msibuild" ;; esac # the MSI is tampered with through its database
for tool in $tools; do
	command -v "$tool" >/dev/null || { echo "test-signing: $tool is missing (scripts/install-deps.sh --windows)" >&2; exit 3; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test-signing: FAIL: $*" >&2; exit 1; }
start=$(date +%s%N)

# A CA and a code-signing certificate it issued, valid for a day.
ca() { # NAME: a self-signed CA key and certificate, NAME.key and NAME.crt
	openssl req -x509 -newkey rsa:2048 -sha256 -days 1 -nodes -keyout "$tmp/$1.key" -out "$tmp/$1.crt" \
		-subj "/CN=Trusted App Tester test CA $1" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
ca testca
ca otherca
openssl req -newkey rsa:2048 -sha256 -nodes -keyout "$tmp/signer.key" -out "$tmp/signer.csr" \
	-subj "/CN=Trusted App Tester test signer" 2>/dev/null
printf '%s\n' basicConstraints=CA:FALSE keyUsage=critical,digitalSignature extendedKeyUsage=codeSigning >"$tmp/ext"
openssl x509 -req -in "$tmp/signer.csr" -CA "$tmp/testca.crt" -CAkey "$tmp/testca.key" -CAcreateserial \
	-days 1 -sha256 -extfile "$tmp/ext" -out "$tmp/signer.crt" 2>/dev/null
pass=$(openssl rand -hex 16)
openssl pkcs12 -export -inkey "$tmp/signer.key" -in "$tmp/signer.crt" -certfile "$tmp/testca.crt" \
	-passout "pass:$pass" -out "$tmp/signer.pfx"

# The signing script's errors, each driven for real.
mkdir "$tmp/err"
cp "$1" "$tmp/err/victim${1##*/}"
victim="$tmp/err/victim${1##*/}"
expect_error() { # WHAT WANT COMMAND...: the command fails and its message says WANT
	local what=$1 want=$2; shift 2
	if "$@" >"$tmp/err/out" 2>&1; then fail "$what: signing succeeded"; fi
	grep -qF "$want" "$tmp/err/out" || fail "$what: the message does not say '$want': $(cat "$tmp/err/out")"
}
expect_error "no certificate" "SIGN_PFX is not set" env -u SIGN_PFX "$sign" sign "$victim"
expect_error "wrong password" "could not sign" env SIGN_PFX="$tmp/signer.pfx" SIGN_PASSWORD=wrong "$sign" sign "$victim"
cmp -s "$1" "$victim" || fail "a failed signing changed the file"
expect_error "missing file" "is missing" env SIGN_PFX="$tmp/signer.pfx" SIGN_PASSWORD="$pass" "$sign" sign "$tmp/err/absent.exe"
expect_error "unsigned file verified" "does not verify" "$sign" verify "$tmp/testca.crt" "$victim"

n=0
for f in "$@"; do
	name=${f##*/}
	mkdir -p "$tmp/signed"
	cp "$f" "$tmp/signed/$name"
	s=$tmp/signed/$name
	# Signs, then verifies against SIGN_CAFILE (the test CA), in one call, as a release does.
	printf %s "$pass" >"$tmp/passfile"
	SIGN_PFX="$tmp/signer.pfx" SIGN_PASSWORD_FILE="$tmp/passfile" SIGN_CAFILE="$tmp/testca.crt" \
		"$sign" sign "$s" >"$tmp/out" 2>&1 || fail "$name: signing failed: $(cat "$tmp/out")"
	"$sign" verify "$tmp/testca.crt" "$s" >/dev/null 2>&1 || fail "$name: the signed file does not verify"
	osslsigncode verify -CAfile "$tmp/testca.crt" -in "$s" 2>/dev/null | grep -q 'Subject: .*CN *= *Trusted App Tester test signer' ||
		fail "$name: the signature is not the test signer's"
	# Another CA: the chain must not verify.
	if "$sign" verify "$tmp/otherca.crt" "$s" >/dev/null 2>&1; then fail "$name: verified against a CA that did not issue the certificate"; fi
	# A changed file must fail: for an .exe, one byte in the middle of its code; for an
	# .msi, a property changed in its database (what someone altering the installer does).
	cp "$s" "$tmp/tampered"
	case $name in
	*.msi) msibuild "$tmp/tampered" -q "UPDATE \`Property\` SET \`Value\` = 'tampered' WHERE \`Property\` = 'ARPCOMMENTS'" ;;
	*)
		size=$(stat -c %s "$tmp/tampered")
		off=$((size / 2))
		b=$(od -An -tu1 -j "$off" -N1 "$tmp/tampered" | tr -d ' ')
		printf "\\$(printf %o $(((b + 1) % 256)))" | dd of="$tmp/tampered" bs=1 seek="$off" conv=notrunc status=none
		;;
	esac
	cmp -s "$s" "$tmp/tampered" && fail "$name: the tampering changed nothing"
	if "$sign" verify "$tmp/testca.crt" "$tmp/tampered" >"$tmp/out" 2>&1; then fail "$name: a changed file still verifies"; fi
	# ... and for the right reason: the file's digest no longer matches the signed one.
	why=$(osslsigncode verify -CAfile "$tmp/testca.crt" -in "$tmp/tampered" 2>&1 || true)
	grep -q 'MISMATCH' <<<"$why" ||
		fail "$name: the changed file fails, but not on its digest: $(cat "$tmp/out")"
	n=$((n + 1))
	echo "ok   $name: signed, verified against the test CA; refused against another CA and once changed"
done
if [ -n "$keep" ]; then
	mkdir -p "$keep"
	cp "$tmp/testca.crt" "$tmp/signer.pfx" "$keep/"
	printf %s "$pass" >"$keep/password"
fi
ms=$((($(date +%s%N) - start) / 1000000))
echo "test-signing: $n passed, 0 failed ($((ms / 1000)).$((ms % 1000 / 100)) s)"
