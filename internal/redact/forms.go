package redact

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// The encodings a server echoes a secret in, each as the forms Secrets looks for.

// form is one encoded form of a secret. fold: it is found whatever the case of its
// ASCII letters (text and hex encodings, base32), else only exactly (base64, where
// case carries the bits). anywhere: it is replaced wherever it occurs, else only where
// it stands alone (see Secrets).
type form struct {
	s        string
	fold     bool
	anywhere bool
}

// minBase32 is the length from which a base32 form is replaced wherever it occurs:
// five characters carry 25 bits of the secret, about what base64's four carry.
const minBase32 = 5

// forms are every form of v a server may echo: its text encodings, found whatever
// the case (a server that prints the secret in upper case, or its hex in either case);
// its base32 forms, also whatever the case; and its base64 forms, exactly. A form
// is replaced anywhere from the length given with it.
func forms(v string) (out []form) {
	if v == "" {
		return nil
	}
	add := func(fold bool, min int, fs ...string) {
		for _, f := range fs {
			if f != "" {
				out = append(out, form{f, fold, len(f) >= min})
			}
		}
	}
	// The secret as it is, and in upper and lower case when they differ beyond ASCII
	// (which folding covers): É is not é to a byte comparison.
	variants := []string{v}
	for _, c := range []string{strings.ToUpper(v), strings.ToLower(v)} {
		if asciiLower(c) != asciiLower(v) && !containsFold(variants, c) {
			variants = append(variants, c)
		}
	}
	for _, x := range variants {
		add(true, MinAnywhere, textForms(x)...)
	}
	// What a server does to the bytes it received, the secret or the form field that
	// carried it: hex, base32, base64 of the bytes or of their UTF-16LE (.NET's
	// Encoding.Unicode, PowerShell's -EncodedCommand).
	for _, t := range sentAs(v) {
		add(true, MinAnywhere, hex.EncodeToString([]byte(t)))
		add(true, minBase32, base32Forms(t)...)
		add(false, minBase64, base64Forms(t)...)
		add(false, minBase64, base64Forms(utf16LE(t))...)
	}
	return out
}

// sentAs are v and, when it differs, v as the form field that carried it.
func sentAs(v string) []string {
	if qe := url.QueryEscape(v); qe != v {
		return []string{v, qe}
	}
	return []string{v}
}

// textForms are x's text encodings: raw; URL query and path escaping, once and twice,
// and with every byte as %XX; JSON string escaping (Go's, with and without HTML
// escapes, .NET's \uXXXX style, and JSON inside JSON); Go %q quoting (UTF-8 and
// ASCII); HTML and XML entities; Markdown backslash escapes. The escapes are also
// applied to the form field that carried x.
func textForms(x string) []string {
	qe, pe, all := url.QueryEscape(x), url.PathEscape(x), percentAll(x)
	out := []string{x, qe, pe, all,
		url.QueryEscape(qe), url.PathEscape(pe), url.PathEscape(qe), url.QueryEscape(pe), url.QueryEscape(all)}
	// The secret as sent, or as the form field that carried it, inside other text.
	for _, t := range sentAs(x) {
		out = append(out, jsonString(t, true), jsonString(t, false), dotnetJSON(t),
			jsonString(jsonString(t, true), true), jsonString(jsonString(t, false), false),
			goQuoted(t, false), goQuoted(t, true),
			html.EscapeString(t), xmlEscape(t), markdownEscape(t))
	}
	return out
}

// percentAll writes every byte of v as %XX.
func percentAll(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		fmt.Fprintf(&b, "%%%02X", v[i])
	}
	return b.String()
}

func utf16LE(t string) string {
	u := utf16.Encode([]rune(t))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return string(b)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if asciiLower(x) == asciiLower(s) {
			return true
		}
	}
	return false
}

// asciiLower lowers ASCII letters only, so every byte keeps its place (a folded match
// in the lowered text is at the same offsets in the original).
func asciiLower(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// jsonString is v as the inside of a JSON string (without the quotes).
func jsonString(v string, escapeHTML bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	s := strings.TrimSuffix(buf.String(), "\n")
	return s[1 : len(s)-1]
}

// dotnetJSON is v as .NET's System.Text.Json writes it by default: ASCII letters,
// digits and safe punctuation as they are, everything else as \uXXXX (upper case),
// non-BMP characters as surrogate pairs.
func dotnetJSON(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r < 0x80 && r >= 0x20 && !strings.ContainsRune("\"&'+<>\\`", r) && r != 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04X\u%04X`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04X`, r)
		}
	}
	return b.String()
}

// goQuoted is v as Go's %q (or %+q) writes it, without the quotes.
func goQuoted(v string, ascii bool) string {
	q := strconv.Quote(v)
	if ascii {
		q = strconv.QuoteToASCII(v)
	}
	return q[1 : len(q)-1]
}

func xmlEscape(v string) string {
	var b strings.Builder
	if err := xml.EscapeText(&b, []byte(v)); err != nil {
		return ""
	}
	return b.String()
}

// markdownEscape puts a backslash before every ASCII punctuation character, as
// CommonMark allows.
func markdownEscape(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r < 0x80 && unicode.IsPunct(r) || strings.ContainsRune("$+<=>^`|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// base64Forms are the parts of base64 encodings of t that depend on t's bytes alone,
// for t starting at each of the three byte offsets of a 3-byte group, in the standard
// and URL alphabets, plus the whole padded and unpadded encodings. Parts shorter than
// 4 characters would say nothing and are left out.
func base64Forms(t string) []string {
	var out []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		out = append(out, enc.EncodeToString([]byte(t)), strings.TrimRight(enc.EncodeToString([]byte(t)), "="))
		out = append(out, cores(enc.EncodeToString, t, 3, 6, minBase64)...)
	}
	return out
}

// base32Forms are base64Forms' counterpart for base32 (RFC 4648's alphabet; its
// lower-case spelling is found by folding): the whole encoding, padded and not, and
// the parts made of t's bits alone at each of the five byte offsets of a 5-byte group.
func base32Forms(t string) []string {
	enc := base32.StdEncoding.EncodeToString([]byte(t))
	return append([]string{enc, strings.TrimRight(enc, "=")}, cores(base32.StdEncoding.EncodeToString, t, 5, 5, minBase32)...)
}

// cores are the parts of encode(t placed off bytes into its group) made only of t's
// bits, for every offset in a group of group bytes, each character carrying bits
// bits; parts shorter than min are left out.
func cores(encode func([]byte) string, t string, group, bits, min int) []string {
	var out []string
	for off := 0; off < group; off++ {
		e := encode(append(make([]byte, off), t...))
		from := (8*off + bits - 1) / bits   // first character made only of t's bits
		to := 8 * (off + len(t)) / bits     // one past the last such character
		if to-from >= min && to <= len(e) { // the padding never counts
			out = append(out, e[from:to])
		}
	}
	return out
}
