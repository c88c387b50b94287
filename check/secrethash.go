package check

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf16"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
)

// The Trusted App's secret: ERP.net keeps only ApplicationSecretHash, base64 (standard,
// padded) of the SHA-256 of the secret's UTF-8 bytes. This file is the one home of that
// hash for everything of ours (the sandbox keeps its own copy: it imports nothing of
// ours), of the slip detector that names how a hash that does not match was made, and
// of new secrets. A secret never leaves the machine: only hashes are compared.

// ApplicationSecretHash is base64(SHA-256(secret)), what the Trusted App record's
// ApplicationSecretHash field must hold for secret. ApplicationSecretHash("DEMO") ==
// "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=".
func ApplicationSecretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// SecretSlip names a usual way of making the hash from the right secret, wrongly.
type SecretSlip struct {
	// Code is stable (for scripts and tests): trailing_newline, crlf, spaces,
	// profile_whitespace, hex, hex_trailing_newline, base64_of_hex, base64url,
	// unpadded, utf16, bom, other_algorithm, hash_whitespace, hash_case,
	// plain_secret, hash_as_secret.
	Code string `json:"code"`
	// Name says what happened, e.g. "the hash was made from the secret plus a
	// trailing newline (echo adds one)".
	Name string `json:"name"`
	// Fix says what to do, in one or two sentences.
	Fix string `json:"fix"`
}

// SecretHashState is how a record's hash compares with a secret.
type SecretHashState string

const (
	SecretHashMatch     SecretHashState = "match"     // the record holds the secret's hash
	SecretHashSlip      SecretHashState = "slip"      // made from the right secret, the wrong way (Slip says how)
	SecretHashDifferent SecretHashState = "different" // the hash of another secret: rotated, or another app's
	SecretHashEmpty     SecretHashState = "empty"     // the record holds no hash: the app has no secret
)

// SecretHashComparison is the outcome of CompareSecretHash. It never holds the secret.
type SecretHashComparison struct {
	State SecretHashState `json:"state"`
	// Want is the hash the record must hold: ApplicationSecretHash(secret).
	Want string `json:"want"`
	// Stored is the record's value as read, "" when it held none, and never a value
	// equal to the secret (a record that holds the plain secret says so in Slip).
	Stored string      `json:"stored,omitempty"`
	Slip   *SecretSlip `json:"slip,omitempty"`
	// Message is one sentence for the user, with the fix.
	Message string `json:"message"`
}

// CompareSecretHash compares the record's ApplicationSecretHash (stored) with the hash
// of secret and, when they differ, tries the usual slips and names the one that matches.
// The fix it gives is in the shell of the system it runs on.
func CompareSecretHash(secret, stored string) SecretHashComparison {
	return compareSecretHash(platform.Current(), secret, stored)
}

// compareSecretHash is CompareSecretHash with its fix for sys's shell.
func compareSecretHash(sys platform.System, secret, stored string) SecretHashComparison {
	want := ApplicationSecretHash(secret)
	c := SecretHashComparison{Want: want, Stored: stored}
	switch {
	case stored == "":
		c.State = SecretHashEmpty
		c.Message = "ApplicationSecretHash is empty: the app has no secret, so every token request gets invalid_client. Put " + want + " in it."
		return c
	case subtle.ConstantTimeCompare([]byte(stored), []byte(want)) == 1:
		c.State = SecretHashMatch
		c.Message = "ApplicationSecretHash holds the hash of the profile's secret."
		return c
	}
	if s := findSlip(secret, stored, slipFix(sys, want)); s != nil {
		c.State, c.Slip = SecretHashSlip, s
		if s.Code == "plain_secret" {
			c.Stored = "" // never echo a secret
		}
		c.Message = sentence.Capitalize(s.Name) + ". " + s.Fix
		return c
	}
	c.State = SecretHashDifferent
	c.Message = "ApplicationSecretHash holds the hash of another secret: the secret was rotated (or deleted and made again), or this profile holds another app's secret. Put the app's current secret in the profile, or, if the profile's secret is the right one, put " + want + " in ApplicationSecretHash."
	if looksLikeSecretHash(secret) {
		c.Message += " The profile's secret itself looks like a hash (44 characters of base64): the profile needs the secret, not its hash."
	} else if !looksLikeSecretHash(stored) {
		c.Message += fmt.Sprintf(" The field does not even hold a base64 SHA-256 (44 characters ending in '='; it holds %d characters): it was filled in by hand or with another tool.", len(stored))
	}
	return c
}

// looksLikeSecretHash reports whether s has the shape of an ApplicationSecretHash.
func looksLikeSecretHash(s string) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	return err == nil && len(b) == sha256.Size && len(s) == 44
}

// slipFix is the fix shared by every slip in how the hash was made, ending with the
// one-liner of sys's shell that makes the hash right (in PowerShell, Get-FileHash
// cannot: it hashes files, in hex), so the line copies whole with nothing after it.
func slipFix(sys platform.System, want string) string {
	shell := "a shell"
	if sys.PowerShell() {
		shell = "PowerShell"
	}
	return "Put " + want + " in ApplicationSecretHash. This tool computes it (trustedapp-check secret hash), and so does this line in " + shell + ", with the secret in place of SECRET: " + sys.HashCommand("SECRET")
}

// findSlip tries the usual slips, most likely first, and returns the first that
// explains stored, with fix as the fix of a hash made the wrong way; nil when none
// does.
func findSlip(secret, stored, fix string) *SecretSlip {
	want := ApplicationSecretHash(secret)
	sum := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

	// The plain secret or the hash in the wrong place.
	if eq(stored, secret) {
		if looksLikeSecretHash(secret) {
			return &SecretSlip{Code: "hash_as_secret", Name: "the profile's secret is the same text as ApplicationSecretHash: the profile holds the hash instead of the secret",
				Fix: "Put the secret itself in the profile (trustedapp-check profiles set-secret NAME); the record keeps the hash."}
		}
		return &SecretSlip{Code: "plain_secret", Name: "ApplicationSecretHash holds the secret itself, not its hash (so the secret is readable by anyone who can read the record)",
			Fix: "Put " + want + " in ApplicationSecretHash, and make a new secret: this one was stored in clear text (trustedapp-check secret new)."}
	}

	// Made from the secret plus or minus whitespace.
	variants := []struct {
		input string
		slip  SecretSlip
	}{
		{secret + "\n", SecretSlip{Code: "trailing_newline", Name: "the hash was made from the secret plus a trailing newline (echo adds one)"}},
		{secret + "\r\n", SecretSlip{Code: "crlf", Name: "the hash was made from the secret plus a Windows line break (CRLF: a file saved in Notepad, or PowerShell output)"}},
		{secret + " ", SecretSlip{Code: "spaces", Name: "the hash was made from the secret plus a trailing space (copied with the space after it)"}},
		{" " + secret, SecretSlip{Code: "spaces", Name: "the hash was made from the secret with a leading space (copied with the space before it)"}},
		{" " + secret + " ", SecretSlip{Code: "spaces", Name: "the hash was made from the secret with spaces around it"}},
		{secret + "\t", SecretSlip{Code: "spaces", Name: "the hash was made from the secret plus a trailing tab"}},
		{secret + " \n", SecretSlip{Code: "trailing_newline", Name: "the hash was made from the secret plus a space and a newline"}},
		{"\ufeff" + secret, SecretSlip{Code: "bom", Name: "the hash was made from a file that starts with a UTF-8 byte-order mark (saved by Notepad)"}},
		{"\ufeff" + secret + "\r\n", SecretSlip{Code: "bom", Name: "the hash was made from a file with a UTF-8 byte-order mark and a Windows line break (saved by Notepad)"}},
	}
	for _, v := range variants {
		if eq(stored, b64(sum(v.input))) {
			s := v.slip
			s.Fix = fix
			return &s
		}
	}
	if t := strings.TrimSpace(secret); t != secret && t != "" && eq(stored, b64(sum(t))) {
		return &SecretSlip{Code: "profile_whitespace", Name: "the profile's secret has a space or line break around it that the record's secret has not (the token request sends it)",
			Fix: "Set the profile's secret again without it (trustedapp-check profiles set-secret NAME strips one trailing line break from stdin)."}
	}

	// Right input, wrong encoding of the digest.
	stripped := stripDigestDecoration(stored)
	for _, in := range []struct {
		input, code, name string
	}{
		{secret, "hex", "the hash is written in hex instead of base64 (sha256sum, Get-FileHash or openssl dgst without -binary)"},
		{secret + "\n", "hex_trailing_newline", "the hash is written in hex instead of base64, and was made from the secret plus a trailing newline (echo SECRET | sha256sum)"},
		{secret + "\r\n", "hex_trailing_newline", "the hash is written in hex instead of base64, and was made from the secret plus a Windows line break"},
	} {
		if strings.EqualFold(stripped, hex.EncodeToString(sum(in.input))) {
			return &SecretSlip{Code: in.code, Name: in.name, Fix: fix}
		}
	}
	for _, in := range []string{secret, secret + "\n"} {
		hx := hex.EncodeToString(sum(in))
		for _, text := range []string{hx, hx + "\n", hx + "  -\n", "(stdin)= " + hx + "\n", "SHA2-256(stdin)= " + hx + "\n", "SHA256(stdin)= " + hx + "\n"} {
			if eq(stored, b64([]byte(text))) {
				return &SecretSlip{Code: "base64_of_hex", Name: "the hash is the base64 of the hex text, not of the digest (openssl dgst -sha256 without -binary, piped to base64)", Fix: fix}
			}
		}
	}
	d := sum(secret)
	for _, enc := range []*base64.Encoding{base64.URLEncoding, base64.RawURLEncoding} {
		if eq(stored, enc.EncodeToString(d)) {
			return &SecretSlip{Code: "base64url", Name: "the hash is in base64url (- and _ instead of + and /) instead of standard base64", Fix: fix}
		}
	}
	if eq(stored, base64.RawStdEncoding.EncodeToString(d)) {
		return &SecretSlip{Code: "unpadded", Name: "the hash lacks its trailing '=' (base64 padding was dropped)", Fix: fix}
	}
	if t := strings.TrimSpace(stored); t != stored && eq(t, want) {
		return &SecretSlip{Code: "hash_whitespace", Name: "ApplicationSecretHash has a space or line break around the right hash (pasted with it)", Fix: "Remove the space or line break around the hash in ApplicationSecretHash."}
	}
	if stored != want && strings.EqualFold(stored, want) {
		return &SecretSlip{Code: "hash_case", Name: "ApplicationSecretHash is the right hash with letters in the wrong case (base64 is case-sensitive)", Fix: fix}
	}

	// Right input, wrong bytes or algorithm.
	u16 := utf16.Encode([]rune(secret))
	le := make([]byte, 0, 2*len(u16))
	for _, r := range u16 {
		le = append(le, byte(r), byte(r>>8))
	}
	h16 := sha256.Sum256(le)
	if eq(stored, b64(h16[:])) {
		return &SecretSlip{Code: "utf16", Name: "the hash was made from the secret's UTF-16 bytes (.NET Encoding.Unicode) instead of UTF-8", Fix: fix}
	}
	// Windows PowerShell 5.1's Out-File and > write UTF-16 with a byte-order mark and
	// a line break; Get-FileHash then prints the hex of that file's hash.
	file := sum(string(append(append([]byte{0xff, 0xfe}, le...), '\r', 0, '\n', 0)))
	if eq(stored, b64(file)) || strings.EqualFold(stripped, hex.EncodeToString(file)) {
		return &SecretSlip{Code: "utf16", Name: "the hash was made from a file Windows PowerShell wrote (Out-File or >: UTF-16 with a byte-order mark and a line break), as Get-FileHash hashes it", Fix: fix}
	}
	s1, s512, m5 := sha1.Sum([]byte(secret)), sha512.Sum512([]byte(secret)), md5.Sum([]byte(secret))
	for _, alg := range []struct {
		name string
		sum  []byte
	}{{"SHA-1", s1[:]}, {"SHA-512", s512[:]}, {"MD5", m5[:]}} {
		if eq(stored, b64(alg.sum)) || strings.EqualFold(stripped, hex.EncodeToString(alg.sum)) {
			return &SecretSlip{Code: "other_algorithm", Name: "the hash was made with " + alg.name + " instead of SHA-256", Fix: fix}
		}
	}
	return nil
}

// stripDigestDecoration drops what digest tools print around a hex digest:
// sha256sum's "  -" file marker, openssl's "(stdin)= " and "SHA2-256(stdin)= ",
// Get-FileHash's "SHA256 " column, and surrounding space.
func stripDigestDecoration(s string) string {
	s = strings.TrimSpace(s)
	for _, suf := range []string{"  -", " *-", " -"} {
		s = strings.TrimSuffix(s, suf)
	}
	if i := strings.LastIndex(s, "= "); i >= 0 && strings.Contains(s[:i], "(") {
		s = s[i+2:]
	}
	s = strings.TrimPrefix(s, "SHA256 ")
	return strings.TrimSpace(s)
}

// secretAlphabet is what new secrets are made of: letters and digits only, so a secret
// survives form bodies, HTTP Basic (which URL-encodes + / = : %), shells, JSON and
// environment variables unchanged.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewSecretLength is the length of NewClientSecret's secrets: 40 characters of 62
// kinds, about 238 bits (ERP.net's install link makes 24).
const NewSecretLength = 40

// NewClientSecret makes a strong client secret from crypto/rand: NewSecretLength
// letters and digits, each chosen uniformly.
func NewClientSecret() (string, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(secretAlphabet)))
	for i := 0; i < NewSecretLength; i++ {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("cannot make a secret: the system's random source failed: %w", err)
		}
		b.WriteByte(secretAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// SecretHashRow is the checklist row for ApplicationSecretHash: rec is the record as
// read (nil when it could not be read), secret the app's secret as this tool holds it
// ("" when it holds none, e.g. an app named only by its client_id). The comparison is
// nil when no comparison was made. When the record cannot be read the row shows the
// hash the record must hold, ready to copy; it never shows the secret.
func SecretHashRow(rec *TrustedAppRecord, secret string) (RecordCheck, *SecretHashComparison) {
	row := RecordCheck{Field: "ApplicationSecretHash", State: RecordUnknown}
	if secret == "" {
		row.Want = "base64(SHA-256(the app's secret))"
		row.Actual = "not compared"
		if rec != nil && rec.ApplicationSecretHash != nil && *rec.ApplicationSecretHash == "" {
			row.Actual, row.State = "empty", RecordBad
			row.Note = "The app has no secret, so every token request gets invalid_client: make one (trustedapp-check secret new) and put its hash here."
			return row, nil
		}
		row.Note = "This tool holds no secret for the app, so the hash cannot be compared: set the profile's secret, or compute the hash with trustedapp-check secret hash and compare it by hand."
		if rec != nil && rec.ApplicationSecretHash != nil {
			row.Actual = *rec.ApplicationSecretHash
		}
		return row, nil
	}
	want := ApplicationSecretHash(secret)
	row.Want = want
	switch {
	case rec == nil:
		row.Actual = "not read"
		row.Note = "Must hold the hash of the profile's secret, shown here ready to copy (it is not the secret): compare it in the record, or hand it to whoever can read the record or put it in a support ticket."
		return row, nil
	case rec.ApplicationSecretHash == nil:
		row.Actual = "not sent"
		row.Note = "The instance did not send ApplicationSecretHash: compare it by hand with the hash shown here (it is not the secret)."
		return row, nil
	}
	c := CompareSecretHash(secret, *rec.ApplicationSecretHash)
	row.Actual = c.Stored
	switch c.State {
	case SecretHashMatch:
		row.State = RecordOK
	case SecretHashEmpty:
		row.Actual, row.State, row.Note = "empty", RecordBad, c.Message
	default:
		row.State, row.Note = RecordBad, c.Message
		if c.Slip != nil && c.Slip.Code == "plain_secret" {
			row.Actual = "the secret itself (not shown)"
		}
	}
	return row, &c
}

// WithSecretHashRow puts the ApplicationSecretHash row into a record checklist, after
// ClientType (at the end when there is none), as the record command and the app's Record
// tab list it.
func WithSecretHashRow(rows []RecordCheck, row RecordCheck) []RecordCheck {
	for i, r := range rows {
		if r.Field == "ClientType" {
			return append(rows[:i+1], append([]RecordCheck{row}, rows[i+1:]...)...)
		}
	}
	return append(rows, row)
}
