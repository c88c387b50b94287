package redact

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Secrets are the exact credentials of one run (the client secret, the issued token):
// Replace finds each of them in any text in every encoding a server might echo it in,
// and puts Redacted in its place. It is safe for concurrent use.
//
// The encodings (forms.go): raw; URL query and path escaping, once or twice, and with
// every byte as %XX; JSON string escaping (Go's, with and without HTML escapes, .NET's
// \uXXXX style, and JSON inside JSON); Go %q quoting (UTF-8 and ASCII); HTML and XML
// entities; Markdown backslash escapes; hex; base32; base64 in the standard and URL
// alphabets, of the bytes and of their UTF-16LE (.NET's Encoding.Unicode), at every byte
// alignment (so the secret is found inside a longer encoded value, such as a Basic
// header echoed back); and the Basic credential itself when the client_id is known.
// The text and hex encodings and base32 are found whatever the case of their letters
// (a server that prints the secret in upper case, or its hex in either case), in upper
// and lower case beyond ASCII too; base64, whose case carries the bits, only exactly.
//
// Any length is covered. A text form of MinAnywhere bytes or more, every base64 form
// of 4 characters or more and every base32 form of 5 or more, is replaced wherever it
// occurs; a shorter form only where it stands alone (no letter or digit right before
// or after it), so a 3-character secret does not eat every word it happens to be part
// of. The price: a short secret written next to letters or digits is not found.
type Secrets struct {
	mu     sync.RWMutex
	values map[string]bool
	long   []form            // forms replaced wherever they occur
	short  []form            // forms replaced only where they stand alone, longest first
	exact  *strings.Replacer // each form to its mark
	folded *strings.Replacer // the same, on text with its ASCII letters lowered
	nul    string            // the marks are slices of it
	dirty  bool              // forms were added since the replacers were built
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
	for _, v := range values {
		if v == "" || s.values[v] {
			continue
		}
		s.values[v] = true
		for _, f := range forms(v) {
			s.addForm(f)
		}
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
		s.addForm(form{s: base64.StdEncoding.EncodeToString([]byte(pair)), anywhere: true})
		s.addForm(form{s: base64.RawStdEncoding.EncodeToString([]byte(pair)), anywhere: true})
	}
	s.dirty = true
}

func (s *Secrets) addForm(f form) {
	if f.s == "" {
		return
	}
	if f.fold {
		f.s = asciiLower(f.s)
	}
	if f.anywhere {
		s.long = append(s.long, f)
	} else {
		s.short = append(s.short, f)
	}
}

func (s *Secrets) rebuild() {
	s.dirty = false
	s.long = dedupLongestFirst(s.long)
	s.short = dedupLongestFirst(s.short)
	longest := 0
	for _, f := range s.long {
		longest = max(longest, len(f.s))
	}
	// Every form is replaced by a mark, a slice of one string: the replacers' output
	// is never built, only where the marks fall is noted (marks).
	s.nul = strings.Repeat("\x00", longest)
	var exact, folded []string
	for _, f := range s.long {
		if f.fold {
			folded = append(folded, f.s, s.nul[:len(f.s)])
		} else {
			exact = append(exact, f.s, s.nul[:len(f.s)])
		}
	}
	s.exact, s.folded = nil, nil
	if len(exact) > 0 {
		s.exact = strings.NewReplacer(exact...)
	}
	if len(folded) > 0 {
		s.folded = strings.NewReplacer(folded...)
	}
}

// dedupLongestFirst drops repeated forms and sorts the longest first: at one place
// in a text, the longest form is the one replaced.
func dedupLongestFirst(in []form) []form {
	seen := map[form]bool{}
	out := in[:0]
	for _, f := range in {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].s) > len(out[j].s) })
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
	var found []span
	if s.exact != nil {
		found = marks(s.exact, text, s.nul, found)
	}
	low := asciiLower(text)
	if s.folded != nil {
		found = marks(s.folded, low, s.nul, found)
	}
	if len(found) > 0 {
		text = redactSpans(text, found)
		low = asciiLower(text)
	}
	for _, f := range s.short {
		text, low = replaceAlone(text, low, f)
	}
	return text
}

// markWriter notes where a replacer writes a mark (a slice of nul) instead of what
// it read, and nothing else: the replaced text is never built.
type markWriter struct {
	nul   string
	n     int
	found []span
}

func (m *markWriter) Write(p []byte) (int, error) { m.n += len(p); return len(p), nil }

func (m *markWriter) WriteString(p string) (int, error) {
	if len(p) > 0 && len(m.nul) > 0 {
		at, base := uintptr(unsafe.Pointer(unsafe.StringData(p))), uintptr(unsafe.Pointer(unsafe.StringData(m.nul)))
		if at >= base && at < base+uintptr(len(m.nul)) {
			m.found = append(m.found, span{m.n, m.n + len(p)})
		}
	}
	m.n += len(p)
	return len(p), nil
}

// marks adds to found the places in text where r finds a form (r replaces each form
// with a mark of its own length, so places in its output are places in text).
func marks(r *strings.Replacer, text, nul string, found []span) []span {
	w := &markWriter{nul: nul, found: found}
	r.WriteString(w, text)
	return w.found
}

// redactSpans replaces each of the places found in text (overlapping or touching
// ones as one) with Redacted.
func redactSpans(text string, found []span) string {
	sort.Slice(found, func(i, j int) bool { return found[i].start < found[j].start })
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for i := 0; i < len(found); {
		start, end := found[i].start, found[i].end
		for i++; i < len(found) && found[i].start <= end; i++ {
			end = max(end, found[i].end)
		}
		b.WriteString(text[last:start])
		b.WriteString(Redacted)
		last = end
	}
	b.WriteString(text[last:])
	return b.String()
}

// replaceAlone replaces f in text where it stands alone: an edge of f that is a
// letter or digit must not touch another letter or digit. A folded form is looked for
// in low, text with its ASCII letters lowered; the new text and its lowered form are
// returned.
func replaceAlone(text, low string, f form) (string, string) {
	hay := text
	if f.fold {
		hay = low
	}
	if !strings.Contains(hay, f.s) {
		return text, low
	}
	first, _ := utf8.DecodeRuneInString(f.s)
	last, _ := utf8.DecodeLastRuneInString(f.s)
	var b strings.Builder
	i, changed := 0, false
	for {
		j := strings.Index(hay[i:], f.s)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(f.s)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (start > 0 && isWordRune(first) && isWordRune(before)) || (end < len(text) && isWordRune(last) && isWordRune(after)) {
			b.WriteString(text[i : start+1])
			i = start + 1
			continue
		}
		b.WriteString(text[i:start])
		b.WriteString(Redacted)
		i, changed = end, true
	}
	if !changed {
		return text, low
	}
	b.WriteString(text[i:])
	text = b.String()
	return text, asciiLower(text)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

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
