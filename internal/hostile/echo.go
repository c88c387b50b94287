package hostile

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// EchoStyle is one way a server can write back the secret it received.
type EchoStyle struct {
	Name string
	// Echo is the text the server sends, made from the secret (and the client_id).
	Echo func(secret, clientID string) string
	// Leak is what would prove the secret leaked: the encoded secret without the
	// decoration around it (quotes, a scheme); for base64 at an offset, the characters
	// made of the secret's bits alone.
	Leak func(secret, clientID string) string
}

func same(f func(string) string) func(string, string) string {
	return func(s, _ string) string { return f(s) }
}

// EchoStyles are the encodings a hostile or careless server echoes a secret in.
func EchoStyles() []EchoStyle {
	id := func(s string) string { return s }
	q := func(s string) string { v := strconv.Quote(s); return v[1 : len(v)-1] }
	qa := func(s string) string { v := strconv.QuoteToASCII(s); return v[1 : len(v)-1] }
	js := func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }
	jsRaw := func(s string) string {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		v := strings.TrimSpace(buf.String())
		return v[1 : len(v)-1]
	}
	dotnet := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" !#$%()*,-./:;=?@[]^_{|}~", r)) {
				b.WriteRune(r)
			} else {
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		}
		return b.String()
	}
	md := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r < 0x80 && (unicode.IsPunct(r) || unicode.IsSymbol(r)) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	xmlEsc := func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
	}
	lowerHex := func(s string) string {
		e := url.QueryEscape(s)
		var b strings.Builder
		for i := 0; i < len(e); i++ {
			if e[i] == '%' && i+2 < len(e) {
				b.WriteString("%" + strings.ToLower(e[i+1:i+3]))
				i += 2
				continue
			}
			b.WriteByte(e[i])
		}
		return b.String()
	}
	hexLower := func(s string) string { return hex.EncodeToString([]byte(s)) }
	hexUpper := func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }
	pctAll := func(format string) func(string) string {
		return func(s string) string {
			var b strings.Builder
			for i := 0; i < len(s); i++ {
				fmt.Fprintf(&b, format, s[i])
			}
			return b.String()
		}
	}
	doubleURL := func(s string) string { return url.QueryEscape(url.QueryEscape(s)) }
	b32 := func(s string) string { return base32.StdEncoding.EncodeToString([]byte(s)) }
	utf16b64 := func(s string) string {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	basic := func(s, cid string) string { return base64.StdEncoding.EncodeToString([]byte(cid + ":" + s)) }
	basicForm := func(s, cid string) string {
		return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(cid) + ":" + url.QueryEscape(s)))
	}
	return []EchoStyle{
		{"raw", same(id), same(id)},
		{"form-encoded", func(s, _ string) string { return "client_secret=" + url.QueryEscape(s) + "&echo=1" }, same(url.QueryEscape)},
		{"url query escape", same(url.QueryEscape), same(url.QueryEscape)},
		{"url path escape", same(url.PathEscape), same(url.PathEscape)},
		{"url escape, lower-case hex", same(lowerHex), same(lowerHex)},
		{"Go %q", func(s, _ string) string { return fmt.Sprintf("%q", s) }, same(q)},
		{"Go %+q", func(s, _ string) string { return fmt.Sprintf("%+q", s) }, same(qa)},
		{"JSON string", func(s, _ string) string { return `"` + js(s) + `"` }, same(js)},
		{"JSON string, no HTML escapes", func(s, _ string) string { return `"` + jsRaw(s) + `"` }, same(jsRaw)},
		{".NET JSON (\\uXXXX)", same(dotnet), same(dotnet)},
		{"JSON inside JSON", func(s, _ string) string { return js(`{"secret":"` + js(s) + `"}`) }, func(s, _ string) string { return js(js(s)) }},
		{"Markdown code span", func(s, _ string) string { return "`" + s + "`" }, same(id)},
		{"Markdown bold", func(s, _ string) string { return "**" + s + "**" }, same(id)},
		{"Markdown escaped", same(md), same(md)},
		{"HTML entities", same(html.EscapeString), same(html.EscapeString)},
		{"XML entities", same(xmlEsc), same(xmlEsc)},
		{"Basic header", func(s, cid string) string { return "Basic " + basic(s, cid) }, basic},
		{"Basic header, form-encoded", func(s, cid string) string { return "Basic " + basicForm(s, cid) }, basicForm},
		{"base64", same(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }), same(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) })},
		{"base64url, unpadded", same(func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }), same(func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) })},
		// What a debugging server prints: a hex dump, every byte escaped, the form
		// body escaped again, the secret shouted, base32, .NET's Encoding.Unicode.
		{"hex, lower case", func(s, _ string) string { return "bytes: " + hexLower(s) }, same(hexLower)},
		{"hex, upper case", func(s, _ string) string { return "0x" + hexUpper(s) }, same(hexUpper)},
		{"%XX for every byte", same(pctAll("%%%02X")), same(pctAll("%%%02X"))},
		{"%xx for every byte, lower case", same(pctAll("%%%02x")), same(pctAll("%%%02x"))},
		{"double URL-encoding", func(s, _ string) string { return "client_secret%3D" + doubleURL(s) }, same(doubleURL)},
		{"upper case", same(strings.ToUpper), same(strings.ToUpper)},
		{"base32", same(b32), same(func(s string) string { return strings.TrimRight(b32(s), "=") })},
		{"UTF-16LE base64", same(utf16b64), same(func(s string) string { return strings.TrimRight(utf16b64(s), "=") })},
		{"base64 at offset 1", same(func(s string) string { return base64.StdEncoding.EncodeToString([]byte("x" + s)) }), same(func(s string) string { return Base64Core(base64.StdEncoding, 1, s) })},
		{"base64url at offset 2", same(func(s string) string { return base64.URLEncoding.EncodeToString([]byte("xy" + s)) }), same(func(s string) string { return Base64Core(base64.URLEncoding, 2, s) })},
	}
}

// Base64Core is the part of the base64 encoding of s, placed off bytes into its
// 3-byte group, that is made of s's bits alone.
func Base64Core(enc *base64.Encoding, off int, s string) string {
	e := enc.EncodeToString(append(bytes.Repeat([]byte{0}, off), s...))
	from, to := (8*off+5)/6, 8*(off+len(s))/6
	if to > len(e) || from >= to {
		return ""
	}
	return e[from:to]
}

// Echo makes in write text (a secret in some EchoStyle) into every part of its answers
// a user reads: the auto-discovery status, the token endpoint's error_description and
// headers (or, with grant, a claim of the issued token and a field of the token
// response), and the Domain API's OData error message and headers.
func Echo(in *Instance, text string, grant bool) {
	// A header cannot carry control characters (the client would refuse the whole
	// answer): text with them goes only into bodies.
	header := func(w http.ResponseWriter, name, v string) {
		if strings.IndexFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) < 0 {
			w.Header().Set(name, v)
		}
	}
	in.AutoDiscovery = func(w http.ResponseWriter, r *http.Request) {
		header(w, "X-Echo", text)
		writeJSON(w, 200, AutoDiscoveryDoc(in.URL, "NotWorking", "secret "+text+" rejected"))
	}
	if grant {
		in.Claims = func(c map[string]any) { c["echo"] = text }
		in.TokenExtra = map[string]any{"note": "you sent " + text}
	} else {
		in.Token = func(w http.ResponseWriter, r *http.Request) {
			header(w, "X-Echo", text)
			header(w, "WWW-Authenticate", `Basic realm="`+strings.ReplaceAll(text, `"`, `'`)+`"`)
			writeJSON(w, 400, map[string]any{"error": "invalid_client", "error_description": "The secret " + text + " is wrong", "you_sent": text})
		}
	}
	in.API = func(w http.ResponseWriter, r *http.Request) {
		header(w, "X-Echo", text)
		writeJSON(w, 500, map[string]any{"error": map[string]any{"message": "Cannot use " + text, "code": "2029", "type": "Echo"}})
	}
}
