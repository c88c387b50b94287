package redact

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const (
	testJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJjbGllbnRfaWQiOiJjb20uYWNtZS9zeW5jIn0.c2lnbmF0dXJlLXBhcnQtMTIzNDU2"
	testRef = "enrt_1D41D4694B4F02D3D6A31FFA07E20B73F48248B26C75A0CCCB5F9DBEE41F7960"
)

func TestText(t *testing.T) {
	cases := map[string]string{
		"grant_type=client_credentials&client_secret=abc%2B1&scope=read": "grant_type=client_credentials&client_secret=[redacted]&scope=read",
		"client_secret=[redacted]&x=1":                                   "client_secret=[redacted]&x=1",
		"apikey=K123&token=T9":                                           "apikey=[redacted]&token=[redacted]",
		`{"access_token":"abc","expires_in":3600}`:                       `{"access_token":"[redacted]","expires_in":3600}`,
		`{"secret":"abc","code":"MaximumLicenseCountExceeded"}`:          `{"secret":"[redacted]","code":"MaximumLicenseCountExceeded"}`,
		`"{\"access_token\":\"abc\"}"`:                                   `"{\"access_token\":\"[redacted]\"}"`,
		"Authorization: Basic Y29tLmFjbWU6c2VjcmV0":                      "Authorization: Basic [redacted]",
		"Authorization: Bearer abcdef0123456789xyz":                      "Authorization: Bearer [redacted]",
		"Authorization: Bearer …a1b2c3":                                  "Authorization: Bearer …a1b2c3",
		`WWW-Authenticate: Bearer error="invalid_token"`:                 `WWW-Authenticate: Bearer error="invalid_token"`,
		`Bearer realm="api", error="invalid_token"`:                      `Bearer realm="api", error="invalid_token"`,
		"sent in an HTTP Basic Authorization header":                     "sent in an HTTP Basic Authorization header",
		"Basic auth and Bearer tokens":                                   "Basic auth and Bearer tokens",
		"token " + testJWT + " end":                                      "token [redacted JWT] end",
		"key " + testRef:                                                 "key enrt_[redacted]",
	}
	for in, want := range cases {
		if got := Text(in); got != want {
			t.Errorf("Text(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestFormURLHeaders(t *testing.T) {
	if got := Form("grant_type=client_credentials&client_id=PK&client_secret=p%40ss&scope=read+update"); got != "grant_type=client_credentials&client_id=PK&client_secret=[redacted]&scope=read+update" {
		t.Error(got)
	}
	if got := URL("https://u:pw@h/tools/sha256?secret=abc&x=1"); strings.Contains(got, "abc") || strings.Contains(got, "pw") || !strings.Contains(got, "x=1") {
		t.Error(got)
	}
	h := http.Header{"Authorization": {"Bearer abcdefghijklmnop"}, "X-Api-Key": {"enrt_0123456789"}, "Cookie": {"s=1"},
		"Accept": {"application/json"}, "Proxy-Authorization": {"Zm9vOmJhcg=="}, "Location": {"/cb?access_token=abc&x=1"}}
	r := Headers(h)
	if r.Get("Authorization") != "Bearer …klmnop" || r.Get("X-Api-Key") != "…456789" || r.Get("Cookie") != Redacted ||
		r.Get("Accept") != "application/json" || r.Get("Proxy-Authorization") != Redacted || r.Get("Location") != "/cb?access_token=[redacted]&x=1" {
		t.Errorf("%v", r)
	}
	if h.Get("Authorization") != "Bearer abcdefghijklmnop" {
		t.Error("Headers must not change its input")
	}
	// Redacting twice changes nothing.
	if again := Headers(r); again.Get("Authorization") != "Bearer …klmnop" || again.Get("X-Api-Key") != "…456789" {
		t.Errorf("not idempotent: %v", again)
	}
	for in, want := range map[string]string{"Bearer …a1b2c3": "Bearer …a1b2c3", "Basic [redacted]": "Basic [redacted]",
		"Bearer …" + testJWT: "Bearer [redacted]", "Bearer " + testJWT: "Bearer [redacted]", "rawcredential": Redacted} {
		if got := Already("Authorization", in); got != want {
			t.Errorf("Already(%q) = %q, want %q", in, got, want)
		}
	}
	if Authorization("Basic UEs6c2VjcmV0") != "Basic [redacted]" || Authorization("ErpSession 123") != "ErpSession [redacted]" || Authorization("rawcredential") != Redacted {
		t.Error("basic/other/bare")
	}
	for _, n := range []string{"client_secret", "Client_Secret", "password", "access_token", "api_key"} {
		if !IsSecretField(n) {
			t.Errorf("%s is not a secret field", n)
		}
	}
	if IsSecretField("client_id") || IsSecretField("code") || IsSecretField("scope") {
		t.Error("client_id, code and scope are not secrets")
	}
}

// Every encoding of a secret, at any length, inside other text.
func TestSecretsEveryEncoding(t *testing.T) {
	for _, secret := range []string{"S3cr+t/p@ss w\"rd<&>%:é'\\`x~", "plainlongsecret123", "zQ7!", "k9", "ü"} {
		k := NewSecrets()
		k.AddBasic("com.acme/app", secret)
		for _, f := range forms(secret) {
			in := "before " + f.s + " after"
			if got := k.Replace(in); strings.Contains(got, f.s) || !strings.Contains(got, Redacted) {
				t.Errorf("%q: form %q survived: %q", secret, f.s, got)
			}
			if !f.fold {
				continue
			}
			for _, c := range []string{strings.ToUpper(f.s), strings.ToLower(f.s)} {
				if got := k.Replace("before " + c + " after"); strings.Contains(got, c) {
					t.Errorf("%q: form %q in another case survived: %q", secret, c, got)
				}
			}
		}
		for off := 0; off < 3; off++ {
			blob := base64.StdEncoding.EncodeToString(append([]byte("xy")[:off], secret...))
			if got := k.Replace("Basic " + blob); got == "Basic "+blob && len(secret) >= 3 {
				t.Errorf("%q at offset %d: %q", secret, off, got)
			}
		}
		basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape("com.acme/app") + ":" + url.QueryEscape(secret)))
		if got := k.Replace("Authorization: Basic " + basic); strings.Contains(got, basic) {
			t.Errorf("%q: Basic credential survived: %q", secret, got)
		}
	}
}

// A short secret is redacted where it stands alone, not inside other words.
func TestShortSecretsStandAlone(t *testing.T) {
	k := NewSecrets("ab1")
	for in, want := range map[string]string{
		"ab1":                          Redacted,
		"secret=ab1&x":                 "secret=" + Redacted + "&x",
		`"ab1"`:                        `"` + Redacted + `"`,
		"tab1e and ab12 and xab1":      "tab1e and ab12 and xab1",
		"`ab1` **ab1** (ab1)":          "`" + Redacted + "` **" + Redacted + "** (" + Redacted + ")",
		"ab1ab1":                       "ab1ab1",
		"ab1 then ab1":                 Redacted + " then " + Redacted,
		"YWIx is base64 of it, alone.": Redacted + " is base64 of it, alone.",
	} {
		if got := k.Replace(in); got != want {
			t.Errorf("Replace(%q) = %q, want %q", in, got, want)
		}
	}
	// Punctuation at the edge needs no boundary on that side.
	if got := NewSecrets("!x7").Replace("a!x7 b"); got != "a"+Redacted+" b" {
		t.Errorf("edge punctuation: %q", got)
	}
	if NewSecrets().Replace("ab1") != "ab1" || (*Secrets)(nil).Replace("ab1") != "ab1" {
		t.Error("an empty set changed text")
	}
}

func TestStringsRewritesInPlace(t *testing.T) {
	type inner struct {
		S   string
		M   map[string]string
		H   http.Header
		hid string
	}
	type outer struct {
		A  string
		P  *inner
		L  []inner
		I  any
		Ar [2]string
	}
	v := outer{A: "x secret y", P: &inner{S: "secret", M: map[string]string{"secret": "v secret"}, H: http.Header{"X": {"secret"}}, hid: "secret"},
		L: []inner{{S: "secret"}}, I: "secret", Ar: [2]string{"secret", "ok"}}
	Strings(&v, NewSecrets("secret").Replace)
	if v.A != "x [redacted] y" || v.P.S != Redacted || v.P.M[Redacted] != "v "+Redacted || v.P.H.Get("X") != Redacted ||
		v.L[0].S != Redacted || v.I != Redacted || v.Ar[0] != Redacted || v.Ar[1] != "ok" {
		t.Errorf("%+v %+v", v, *v.P)
	}
	if v.P.hid != "secret" {
		t.Error("an unexported field was changed")
	}
}

func BenchmarkSecretsReplace1MiB(b *testing.B) {
	k := NewSecrets()
	k.AddBasic("com.acme/app", "S3cr+t/p@ss w\"rd<&>%:é'\\`x~")
	k.Add("eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.payload.signature")
	body := strings.Repeat(`{"value":[{"Name":"Customer 1","Code":"C1"}]}`, 1<<20/46)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_ = k.Replace(body)
	}
}

func TestMerge(t *testing.T) {
	a, b := NewSecrets(), NewSecrets("second-secret")
	a.AddBasic("com.acme/app", "first-secret")
	m := Merge(a, nil, b)
	basic := base64.StdEncoding.EncodeToString([]byte("com.acme%2Fapp:first-secret"))
	if got := m.Replace("first-secret second-secret " + basic); strings.Contains(got, "secret") || strings.Count(got, Redacted) != 3 {
		t.Errorf("%q", got)
	}
	if !Merge().Empty() || Merge(a).Empty() {
		t.Error("Empty")
	}
}

// The encodings a debugging server prints that the first list missed: hex in either
// case, %XX for every byte, double URL-encoding, the secret in upper or lower case
// (beyond ASCII too), base32 and base64 of its UTF-16, each inside other text. Written
// here with the standard library, not with the forms Secrets builds.
func TestSecretsDebuggingEncodings(t *testing.T) {
	utf16le := func(s string) []byte {
		var b []byte
		for _, r := range s { // the secrets below are in the BMP
			b = append(b, byte(r), byte(r>>8))
		}
		return b
	}
	pct := func(s string, format string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString(fmt.Sprintf(format, s[i]))
		}
		return b.String()
	}
	for _, secret := range []string{"S3cr+t/p@ss w\"rd<&>%:é'\\`x~", "plainlongsecret123", "zQ7!"} {
		k := NewSecrets()
		k.AddBasic("com.acme/app", secret)
		echoes := map[string]string{
			"hex":                       hex.EncodeToString([]byte(secret)),
			"HEX":                       strings.ToUpper(hex.EncodeToString([]byte(secret))),
			"%XX every byte":            pct(secret, "%%%02X"),
			"%xx every byte":            pct(secret, "%%%02x"),
			"double URL-encoding":       url.QueryEscape(url.QueryEscape(secret)),
			"double path escape":        url.PathEscape(url.PathEscape(secret)),
			"double, lower-case hex":    strings.ToLower(url.QueryEscape(url.QueryEscape(secret))),
			"upper case":                strings.ToUpper(secret),
			"lower case":                strings.ToLower(secret),
			"base32":                    base32.StdEncoding.EncodeToString([]byte(secret)),
			"base32, lower case":        strings.ToLower(base32.StdEncoding.EncodeToString([]byte(secret))),
			"UTF-16LE base64":           base64.StdEncoding.EncodeToString(utf16le(secret)),
			"UTF-16LE base64url":        base64.RawURLEncoding.EncodeToString(utf16le(secret)),
			"UTF-16LE base64 in a blob": base64.StdEncoding.EncodeToString(append(utf16le("Basic x:"), utf16le(secret)...)),
			"hex of the form field":     hex.EncodeToString([]byte("grant_type=client_credentials&client_secret=" + url.QueryEscape(secret))),
		}
		for name, echo := range echoes {
			leak := echo
			switch {
			case strings.HasSuffix(name, "form field"):
				leak = hex.EncodeToString([]byte(url.QueryEscape(secret)))
			case strings.HasSuffix(name, "in a blob"):
				// The characters made of the secret's bits alone: it starts 16 bytes in.
				leak = echo[(8*16+5)/6 : 8*(16+len(utf16le(secret)))/6]
			}
			for _, in := range []string{echo, "the server said: " + echo + " (debug)"} {
				got := k.Replace(in)
				if !strings.Contains(got, Redacted) || leftOf(got, leak) {
					t.Errorf("%q %s: %q -> %q", secret, name, in, got)
				}
			}
		}
	}
}

// leftOf reports whether got still holds the encoded secret: its middle third, in
// any case (an encoding's edges may share characters with what surrounds it).
func leftOf(got, echo string) bool {
	if len(echo) < 9 {
		return strings.Contains(strings.ToLower(got), strings.ToLower(echo))
	}
	mid := echo[len(echo)/3 : 2*len(echo)/3]
	return strings.Contains(got, mid)
}

// Case folding and the new encodings do not eat ordinary text: a short secret is
// still redacted only where it stands alone, whatever its case, and its hex is not
// found inside longer hex.
func TestSecretsFoldingKeepsOrdinaryText(t *testing.T) {
	k := NewSecrets("ab1")
	for in, want := range map[string]string{
		"AB1 and Ab1":     Redacted + " and " + Redacted,
		"TAB1E and XAB1":  "TAB1E and XAB1",
		"616231":          Redacted,
		"0x6162310a":      "0x6162310a",
		"%61%62%31":       Redacted,
		"MFRDC===":        Redacted,
		"mfrdc":           Redacted,
		"base32 MFRDCXYZ": "base32 " + Redacted + "XYZ",
		"MFRD and 6162":   "MFRD and 6162",
	} {
		if got := k.Replace(in); got != want {
			t.Errorf("Replace(%q) = %q, want %q", in, got, want)
		}
	}
	// Text without a secret comes back unchanged, upper case and NUL bytes included.
	long := NewSecrets("plainlongsecret123")
	for _, in := range []string{"PLAIN TEXT WITH \x00 NUL", "plainlongsecret12 3", "Ünïcödé"} {
		if got := long.Replace(in); got != in {
			t.Errorf("Replace(%q) = %q", in, got)
		}
	}
	if got := long.Replace("a PLAINLONGSECRET123b\x00PlainLongSecret123"); got != "a "+Redacted+"b\x00"+Redacted {
		t.Errorf("folded: %q", got)
	}
}
