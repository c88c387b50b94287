package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Secrets are the exact credentials of one run (the client secret, the issued token):
// Replace finds each of them in any text in every encoding a server might echo it in,
// and puts Redacted in its place. It is safe for concurrent use.
//
// The encodings: raw; URL query and path escaping (upper- and lower-case hex);
// JSON string escaping (Go's, with and without HTML escapes, .NET's \uXXXX style, and
// JSON inside JSON); Go %q quoting (UTF-8 and ASCII); HTML and XML entities; Markdown
// backslash escapes; base64 in the standard and URL alphabets at all three byte
// alignments (so the secret is found inside a longer encoded value, such as a Basic
// header echoed back); and the Basic credential itself when the client_id is known.
//
// Any length is covered. A text form of MinAnywhere bytes or more, and every base64
// form, is replaced wherever it occurs; a shorter text form only where it stands alone
// (no letter or digit right before or after it), so a 3-character secret does not eat
// every word it happens to be part of.
type Secrets struct {
	mu       sync.RWMutex
	values   map[string]bool
	long     []string // forms replaced wherever they occur, longest first
	short    []string // forms replaced only where they stand alone, longest first
	replacer *strings.Replacer
	dirty    bool // forms were added since replacer was built
}

// MinAnywhere is the length from which a text form of a secret is replaced wherever it
// occurs; shorter text forms are replaced only where they stand alone.
const MinAnywhere = 8

// minBase64 is the length from which a base64 form is replaced wherever it occurs:
// four characters carry three bytes of the secret.
const minBase64 = 4

// NewSecrets returns a set holding values (empty ones are ignored).
func NewSecrets(values ...string) *Secrets {
	s := &Secrets{values: map[string]bool{}}
	s.Add(values...)
	return s
}

// Add adds secrets to the set.
func (s *Secrets) Add(values ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for _, v := range values {
		if v == "" || s.values[v] {
			continue
		}
		s.values[v] = true
		text, b64 := forms(v)
		for _, f := range text {
			s.addForm(f, len(f) >= MinAnywhere)
		}
		for _, f := range b64 {
			s.addForm(f, len(f) >= minBase64)
		}
		changed = true
	}
	if changed {
		s.dirty = true
	}
}

// AddBasic adds the HTTP Basic credential made of clientID and secret (both raw and
// form-encoded before base64, as RFC 6749 section 2.3.1 asks), and the secret itself.
func (s *Secrets) AddBasic(clientID, secret string) {
	if s == nil || secret == "" {
		return
	}
	s.Add(secret)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pair := range []string{clientID + ":" + secret, url.QueryEscape(clientID) + ":" + url.QueryEscape(secret)} {
		s.addForm(base64.StdEncoding.EncodeToString([]byte(pair)), true)
		s.addForm(base64.RawStdEncoding.EncodeToString([]byte(pair)), true)
	}
	s.dirty = true
}

func (s *Secrets) addForm(f string, anywhere bool) {
	if f == "" {
		return
	}
	if anywhere {
		s.long = append(s.long, f)
	} else {
		s.short = append(s.short, f)
	}
}

func (s *Secrets) rebuild() {
	s.dirty = false
	s.long = dedupLongestFirst(s.long)
	s.short = dedupLongestFirst(s.short)
	pairs := make([]string, 0, 2*len(s.long))
	for _, f := range s.long {
		pairs = append(pairs, f, Redacted)
	}
	s.replacer = strings.NewReplacer(pairs...)
}

func dedupLongestFirst(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, f := range in {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Merge returns one set holding every secret (and every form of it) of sets, so a
// text made of many runs' output is scrubbed in one pass.
func Merge(sets ...*Secrets) *Secrets {
	out := NewSecrets()
	for _, o := range sets {
		if o == nil {
			continue
		}
		o.mu.RLock()
		for v := range o.values {
			out.values[v] = true
		}
		out.long = append(out.long, o.long...)
		out.short = append(out.short, o.short...)
		o.mu.RUnlock()
	}
	out.rebuild()
	return out
}

// Empty reports whether the set holds no secret.
func (s *Secrets) Empty() bool {
	if s == nil {
		return true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.values) == 0
}

// Replace returns text with every form of every secret replaced by Redacted.
func (s *Secrets) Replace(text string) string {
	if s == nil || text == "" {
		return text
	}
	s.mu.RLock()
	if s.dirty {
		// Built once after a burst of Adds (secret, Basic, token), not per Add.
		s.mu.RUnlock()
		s.mu.Lock()
		if s.dirty {
			s.rebuild()
		}
		s.mu.Unlock()
		s.mu.RLock()
	}
	defer s.mu.RUnlock()
	if len(s.values) == 0 {
		return text
	}
	if s.replacer != nil {
		text = s.replacer.Replace(text)
	}
	for _, f := range s.short {
		text = replaceAlone(text, f)
	}
	return text
}

// replaceAlone replaces f in text where it stands alone: an edge of f that is a
// letter or digit must not touch another letter or digit.
func replaceAlone(text, f string) string {
	if !strings.Contains(text, f) {
		return text
	}
	first, _ := utf8.DecodeRuneInString(f)
	last, _ := utf8.DecodeLastRuneInString(f)
	var b strings.Builder
	i := 0
	for {
		j := strings.Index(text[i:], f)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(f)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (start > 0 && isWordRune(first) && isWordRune(before)) || (end < len(text) && isWordRune(last) && isWordRune(after)) {
			b.WriteString(text[i : start+1])
			i = start + 1
			continue
		}
		b.WriteString(text[i:start])
		b.WriteString(Redacted)
		i = end
	}
	b.WriteString(text[i:])
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// forms are v's text encodings and its base64 forms (see base64Forms).
func forms(v string) (text, b64 []string) {
	if v == "" {
		return nil, nil
	}
	add := func(fs ...string) {
		for _, f := range fs {
			if f != "" {
				text = append(text, f)
			}
		}
	}
	qe, pe := url.QueryEscape(v), url.PathEscape(v)
	add(v, qe, pe, lowerHex(qe), lowerHex(pe))
	// The secret as sent, or as the form field that carried it, inside other text.
	for _, t := range []string{v, qe} {
		add(jsonString(t, true), jsonString(t, false), dotnetJSON(t))
		add(jsonString(jsonString(t, true), true), jsonString(jsonString(t, false), false))
		add(goQuoted(t, false), goQuoted(t, true))
		add(html.EscapeString(t), xmlEscape(t), markdownEscape(t))
		b64 = append(b64, base64Forms(t)...)
	}
	return text, b64
}

// lowerHex rewrites %XX escapes with lower-case hex digits.
func lowerHex(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = toLower(b[i+1])
			b[i+2] = toLower(b[i+2])
		}
	}
	return string(b)
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
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
		for off := 0; off < 3; off++ {
			buf := append(make([]byte, off), t...)
			e := enc.EncodeToString(buf)
			from := (8*off + 5) / 6           // first character made only of t's bits
			to := 8 * (off + len(t)) / 6      // one past the last such character
			if to-from >= 4 && to <= len(e) { // the padding never counts
				out = append(out, e[from:to])
			}
		}
	}
	return out
}

// Strings rewrites, in place, every string reachable through the exported fields of
// the value ptr points to (structs, pointers, slices, arrays, maps), with f. Unexported
// fields (an in-memory credential such as check.AccessToken) are left alone.
func Strings(ptr any, f func(string) string) {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return
	}
	walkStrings(v.Elem(), f, map[uintptr]bool{})
}

func walkStrings(v reflect.Value, f func(string) string, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); s != "" {
				v.SetString(f(s))
			}
		}
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		walkStrings(v.Elem(), f, seen)
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		// The dynamic value is not settable: replace it with a rewritten copy.
		e := v.Elem()
		cp := reflect.New(e.Type()).Elem()
		cp.Set(e)
		walkStrings(cp, f, seen)
		if v.CanSet() {
			v.Set(cp)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() {
				walkStrings(v.Field(i), f, seen)
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		fallthrough
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), f, seen)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			cp := reflect.New(e.Type()).Elem()
			cp.Set(e)
			walkStrings(cp, f, seen)
			nk := k
			if k.Kind() == reflect.String {
				nk = reflect.ValueOf(f(k.String())).Convert(k.Type())
			}
			if nk.Interface() != k.Interface() {
				v.SetMapIndex(k, reflect.Value{})
			}
			v.SetMapIndex(nk, cp)
		}
	}
}
