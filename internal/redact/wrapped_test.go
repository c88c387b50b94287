package redact

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// shapedJWT is a JWT of the shape ERP.net issues (RS256 with a 2048-bit key: a
// 342-character signature), or of another alg with a signature of sigBytes bytes.
func shapedJWT(alg string, sigBytes int) string {
	enc := base64.RawURLEncoding.EncodeToString
	sig := make([]byte, sigBytes)
	rand.Read(sig)
	return enc([]byte(`{"alg":"`+alg+`","kid":"5B27920E653DD7AC67D2F64B32A17992","typ":"at+jwt"}`)) + "." +
		enc([]byte(`{"iss":"https://acme.my.erp.net/id","client_id":"com.acme/sync","client_system_user":"admin","scope":["read","update"],"exp":1766508747}`)) + "." +
		enc(sig)
}

// wrap cuts text into lines of width characters, the first after first, each next
// one after prefix, ending each line with eol.
func wrap(first, text string, width int, prefix, eol string) string {
	var b strings.Builder
	b.WriteString(first)
	room := width - len(first)
	for len(text) > room {
		b.WriteString(text[:room] + eol + prefix)
		text = text[room:]
		room = width - len(prefix)
	}
	b.WriteString(text)
	return b.String()
}

// A token split across lines, however the log wraps it, is redacted like one on a
// single line: once, as "[redacted JWT]", with its continuations marked and the rest
// of each line (timestamps, levels, what follows the token) kept.
func TestPastedWrappedTokens(t *testing.T) {
	rs := shapedJWT("RS256", 256)
	rs4096 := shapedJWT("PS512", 512)
	es := shapedJWT("ES256", 64)
	odd := shapedJWT("XS999", 40)
	ref := "enrt_" + strings.ToUpper(hex.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	stamp := "2026-12-06 10:00:01.123 INFO  "
	dot := strings.Index(rs, ".")
	for _, tc := range []struct {
		name, text, token string
		keep              []string
		refToken          bool
	}{
		{"terminal at 80 columns", wrap("Authorization: Bearer ", rs, 80, "", "\n") + "\nnext line", rs, []string{"Authorization: Bearer", "next line"}, false},
		{"CRLF at 76 columns", wrap("token=", rs, 76, "", "\r\n") + "\r\nHTTP/1.1 401", rs, []string{"HTTP/1.1 401", "\r\n"}, false},
		{"log prefix on every continuation line", wrap(stamp+"Bearer ", rs, 120, stamp, "\n") + " (sent)\n" + stamp + "done", rs, []string{stamp + "Bearer", " (sent)", stamp + "done"}, false},
		{"indented continuation, CRLF", wrap("  access_token: ", rs, 100, "      ", "\r\n"), rs, []string{"access_token:"}, false},
		{"JSON body wrapped", wrap(`{"access_token":"`, rs, 90, "", "\n") + `","expires_in":3600}`, rs, []string{`"expires_in":3600`}, false},
		{"break right after a dot", "Bearer " + rs[:dot+1] + "\n" + rs[dot+1:] + " end", rs, []string{" end"}, false},
		{"break right before a dot", "Bearer " + rs[:dot] + "\n" + stamp + rs[dot:], rs, []string{stamp}, false},
		{"break inside the signature only", "Bearer " + rs[:len(rs)-100] + "\n" + rs[len(rs)-100:], rs, nil, false},
		{"4096-bit PS512 at 64 columns", wrap("Bearer ", rs4096, 64, "> ", "\n"), rs4096, []string{"> "}, false},
		{"ES256 wrapped in its signature", wrap("Bearer ", es, 60, "", "\n"), es, nil, false},
		{"an alg without known lengths, wrapped in its payload", "Bearer " + odd[:40] + "\n" + stamp + odd[40:] + " next", odd, []string{" next"}, false},
		{"reference token", "reference token " + ref[:30] + "\r\n" + stamp + ref[30:] + "\r\n", ref, []string{stamp}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := Pasted(tc.text)
			if leaked := leftovers(got, tc.token); leaked != "" {
				t.Errorf("a piece of the token is left (%q):\n%s", leaked, got)
			}
			want := "[redacted JWT]"
			if tc.refToken {
				want = "enrt_[redacted]"
			}
			if strings.Count(got, want) != 1 || n != 1 {
				t.Errorf("want %s once and 1 redaction, got %d:\n%s", want, n, got)
			}
			for _, k := range tc.keep {
				if !strings.Contains(got, k) {
					t.Errorf("%q was lost:\n%s", k, got)
				}
			}
			if !HoldsToken(tc.text) {
				t.Error("HoldsToken does not see the split token")
			}
		})
	}
}

// leftovers is the first 8-character piece of tok (outside its header, which is the
// same in every token) that got still holds.
func leftovers(got, tok string) string {
	from := strings.Index(tok, ".") + 1
	if strings.HasPrefix(tok, "enrt_") {
		from = len("enrt_")
	}
	for i := from; i+8 <= len(tok); i++ {
		if strings.Contains(got, tok[i:i+8]) {
			return tok[i : i+8]
		}
	}
	return ""
}

// Two tokens: one split over lines, then one that starts where the first ended and is
// split again; a third whole on its line. Each is redacted once.
func TestPastedTwoWrappedTokensInARow(t *testing.T) {
	a, b, c := shapedJWT("RS256", 256), shapedJWT("ES256", 64), shapedJWT("RS256", 256)
	text := "first " + a[:200] + "\n" + a[200:] + " second " + b[:50] + "\r\n" + b[50:] + "\nthird " + c + "\n"
	got, n := Pasted(text)
	for _, tok := range []string{a, b, c} {
		if l := leftovers(got, tok); l != "" {
			t.Errorf("left %q:\n%s", l, got)
		}
	}
	if n != 3 || strings.Count(got, "[redacted JWT]") != 3 || !strings.Contains(got, " second ") || !strings.Contains(got, "third ") {
		t.Errorf("%d redactions:\n%s", n, got)
	}
}

// Text that only looks like the start of a token, or whose next line does not go on
// with one, is left as it is.
func TestPastedNotATokenIsLeftAlone(t *testing.T) {
	rs := shapedJWT("RS256", 256)
	for _, text := range []string{
		"see eyJustATypo\nand the next line",
		"header eyJhbGciOiJSUzI1NiJ9\n" + "2026-12-06 plain words here",
		"cut " + rs[:120] + "\n" + "an unrelated line 12345",
		"enrt_0123\nnot hex at all",
		"enrt_0123\n4567 and more", // a piece of hex that does not make 64 digits
	} {
		got, _ := Pasted(text)
		if got != text && !strings.Contains(text, rs[:120]) {
			t.Errorf("changed:\n%q\n%q", text, got)
		}
		if strings.Contains(text, rs[:120]) && !strings.Contains(got, "an unrelated line 12345") {
			t.Errorf("the next line was eaten:\n%s", got)
		}
	}
}

// Text made of nothing but token beginnings, the most MaxInput of explain allows,
// costs little: a benchmark, not a timed test (make bench).
func BenchmarkPastedTokenBeginnings(b *testing.B) {
	line := "x eyJ" + strings.Repeat("a", 95) + "\n"
	text := strings.Repeat(line, (256<<10)/len(line))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Pasted(text)
	}
}
