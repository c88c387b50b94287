package report

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
)

// Every message of the ApplicationSecretHash comparison check can write, every slip
// with its fix, the match and another secret, comes out in Bulgarian through RecordIn
// (the record checklist's note), with the hashes and the one-liner kept; in English it
// stays check's.
func TestSecretHashMessagesInBulgarian(t *testing.T) {
	const secret = "Tr1cky-Secret_2025"
	sum := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	std := func(s string) string { return base64.StdEncoding.EncodeToString(sum(s)) }
	hx := func(s string) string { return hex.EncodeToString(sum(s)) }
	utf16 := func(s string, bom bool) []byte {
		var b []byte
		if bom {
			b = []byte{0xff, 0xfe}
		}
		for _, r := range s {
			b = append(b, byte(r), 0)
		}
		return b
	}
	b64 := base64.StdEncoding.EncodeToString
	s1, s512, m5 := sha1.Sum([]byte(secret)), sha512.Sum512([]byte(secret)), md5.Sum([]byte(secret))
	file := sha256.Sum256(append(utf16(secret, true), '\r', 0, '\n', 0))
	stored := []string{
		std(secret + "\n"), std(secret + "\r\n"), std(secret + " "), std(" " + secret), std(" " + secret + " "), std(secret + "\t"),
		std(secret + " \n"), std("\ufeff" + secret), std("\ufeff" + secret + "\r\n"),
		hx(secret), hx(secret + "\n"), hx(secret + "\r\n"),
		b64([]byte(hx(secret) + "  -\n")), base64.RawURLEncoding.EncodeToString(sum(secret)), strings.TrimRight(std(secret), "="),
		std(secret) + "\n", strings.ToLower(std(secret)), b64(sum(string(utf16(secret, false)))), b64(file[:]),
		b64(s1[:]), b64(s512[:]), b64(m5[:]),
		secret, std(secret), std("another secret"), "not-a-hash",
	}
	bg := i18n.For("bg")
	english := regexp.MustCompile(`\b(the|hash|was|made|from|secret|holds|Put|instead)\b`)
	seen := map[string]bool{}
	for _, s := range stored {
		c := check.CompareSecretHash(secret, s)
		if c.Message == "" || seen[c.Message] {
			continue
		}
		seen[c.Message] = true
		got := RecordIn(bg, c.Message)
		if got == c.Message || english.MatchString(strings.NewReplacer("ApplicationSecretHash", "", "SECRET", "", "secret hash", "", "secret new", "", "set-secret", "").Replace(got)) {
			t.Errorf("stored %q (%s): not said in Bulgarian:\n  %s\n  %s", s, c.State, c.Message, got)
		}
		if c.Want != "" && strings.Contains(c.Message, c.Want) && !strings.Contains(got, c.Want) {
			t.Errorf("stored %q: the hash to put is lost: %s", s, got)
		}
		if RecordIn(nil, c.Message) != c.Message {
			t.Errorf("English changed: %s", c.Message)
		}
	}
	// The profile's secret is itself a hash.
	h := std("x")
	if got := RecordIn(bg, check.CompareSecretHash(h, std("y")).Message); strings.Contains(got, "looks like a hash") {
		t.Errorf("the secret that looks like a hash: %s", got)
	}
	if len(seen) < 20 {
		t.Errorf("only %d messages made: the inputs no longer reach check's slips", len(seen))
	}
}
