package profiles

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// unknownFields are the JSON members of an object that this version has no field for:
// what a newer version of Trusted App Tester wrote. They are kept and written back
// unchanged, so using an older version in between loses nothing (issue 11, item 3).
// They are held as the compact JSON text of an object of just those members, sorted
// by name ("" for none), so the types that carry them stay comparable with ==.
type unknownFields string

// knownKeys caches, per struct type, the lower-cased JSON names of its fields
// (encoding/json matches member names ignoring case, so "Name" fills Name).
var knownKeys sync.Map // reflect.Type -> map[string]bool

func keysOf(t reflect.Type) map[string]bool {
	if m, ok := knownKeys.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[strings.ToLower(name)] = true
	}
	knownKeys.Store(t, m)
	return m
}

// decodeKeepingUnknown unmarshals data into v (a pointer to a struct type without
// JSON methods of its own) and returns the members v's type has no field for.
func decodeKeepingUnknown(data []byte, v any) (unknownFields, error) {
	if err := json.Unmarshal(data, v); err != nil {
		return "", err
	}
	return unknownMembers(data, keysOf(reflect.TypeOf(v).Elem()))
}

// unknownMembers returns the members of the JSON object in data (valid JSON) whose
// names are not in known.
func unknownMembers(data []byte, known map[string]bool) (unknownFields, error) {
	if !hasUnknownMember(data, known) {
		return "", nil // the usual case, found without decoding the object again
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return "", err
	}
	var names []string
	for k := range all {
		if !known[strings.ToLower(k)] {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	slices.Sort(names)
	var out bytes.Buffer
	out.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			out.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return "", err
		}
		out.Write(kb)
		out.WriteByte(':')
		if err := json.Compact(&out, all[k]); err != nil {
			return "", err
		}
	}
	out.WriteByte('}')
	return unknownFields(out.String()), nil
}

// memberValue returns the raw value of the member called name (the exact name first,
// else the first that differs only in case, as encoding/json decodes) of the JSON
// object in data (valid JSON), without decoding the others.
func memberValue(data []byte, name string) ([]byte, bool) {
	var found []byte
	ok := false
	eachMember(data, func(n []byte, value []byte) bool {
		switch {
		case string(n) == name:
			found, ok = value, true
			return false
		case !ok && strings.EqualFold(string(n), name):
			// encoding/json matches names without regard to case, the exact one
			// winning: a hand-edited "Schema" is read as it always was.
			found, ok = value, true
		}
		return true
	})
	return found, ok
}

// eachElement calls f with each element of the JSON array in data (valid JSON).
func eachElement(data []byte, f func(i int, elem []byte)) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return
	}
	for n, i := 0, i+1; i < len(data); {
		i = skipSpace(data, i)
		switch {
		case i >= len(data) || data[i] == ']':
			return
		case data[i] == ',':
			i++
			continue
		}
		next := skipValue(data, i)
		f(n, data[i:next])
		n++
		i = next
	}
}

// eachMember calls f with the raw name (without quotes, escapes undone only when it
// has none) and the raw value of each member of the JSON object in data (valid JSON),
// until f returns false.
func eachMember(data []byte, f func(name, value []byte) bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return
	}
	for i++; i < len(data); {
		i = skipSpace(data, i)
		switch {
		case i >= len(data) || data[i] == '}':
			return
		case data[i] == ',':
			i++
			continue
		}
		start := i + 1
		end := start
		for end < len(data) && data[end] != '"' {
			if data[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(data) {
			return
		}
		v := skipSpace(data, skipSpace(data, end+1)+1) // past the colon
		next := skipValue(data, v)
		if !f(data[start:end], data[v:next]) {
			return
		}
		i = next
	}
}

// hasUnknownMember reports whether the JSON object in data (valid: json.Unmarshal
// read it) has a member whose name is not in known, or one whose name has escapes.
// It only steps over the values, so a profile is not decoded twice.
func hasUnknownMember(data []byte, known map[string]bool) bool {
	unknown := false
	eachMember(data, func(name, _ []byte) bool {
		if bytes.IndexByte(name, '\\') >= 0 || (!known[string(name)] && !known[strings.ToLower(string(name))]) {
			unknown = true
		}
		return !unknown
	})
	return unknown
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just after the JSON value starting at data[i].
func skipValue(data []byte, i int) int {
	depth, inString := 0, false
	for ; i < len(data); i++ {
		c := data[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
				if depth == 0 {
					return i + 1
				}
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i // the end of the enclosing object
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return i
		}
	}
	return i
}

// encodeWithUnknown marshals v (a struct, encoded as a JSON object) followed by the
// unknown members.
func encodeWithUnknown(v any, extra unknownFields) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || extra == "" {
		return b, err
	}
	out := make([]byte, 0, len(b)+len(extra))
	out = append(out, b[:len(b)-1]...) // without the closing brace
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, extra[1:]...), nil // the members and the closing brace
}

// The JSON shapes of the types that keep unknown members: the same fields, without the
// methods below (which would call themselves).
type (
	profileJSON Profile
	tlsJSON     TLSOptions
	callJSON    APICall
	storeJSON   storeFile
)

// MarshalJSON writes the profile with the members a newer version added to it.
func (p Profile) MarshalJSON() ([]byte, error) { return encodeWithUnknown(profileJSON(p), p.unknown) }

// UnmarshalJSON reads a profile, keeping the members this version does not know: its
// own, its TLS options' and its calls' (read here in one pass over the profile, rather
// than by methods on TLSOptions and APICall that would make encoding/json scan each of
// them three times more).
func (p *Profile) UnmarshalJSON(data []byte) error {
	var v profileJSON
	extra, err := decodeKeepingUnknown(data, &v)
	if err != nil {
		return err
	}
	*p = Profile(v)
	p.unknown = extra
	var nestedErr error
	eachMember(data, func(name, value []byte) bool {
		switch {
		case strings.EqualFold(string(name), "tls"):
			p.TLS.unknown, nestedErr = unknownMembers(value, keysOf(reflect.TypeFor[tlsJSON]()))
		case strings.EqualFold(string(name), "calls"):
			eachElement(value, func(i int, elem []byte) {
				if i < len(p.Calls) && nestedErr == nil {
					p.Calls[i].unknown, nestedErr = unknownMembers(elem, keysOf(reflect.TypeFor[callJSON]()))
				}
			})
		}
		return nestedErr == nil
	})
	return nestedErr
}

// MarshalJSON writes the TLS options with the members a newer version added.
func (t TLSOptions) MarshalJSON() ([]byte, error) { return encodeWithUnknown(tlsJSON(t), t.unknown) }

// MarshalJSON writes the call with the members a newer version added.
func (c APICall) MarshalJSON() ([]byte, error) { return encodeWithUnknown(callJSON(c), c.unknown) }

// MarshalJSON writes the store file with the top-level members a newer version added.
func (f storeFile) MarshalJSON() ([]byte, error) { return encodeWithUnknown(storeJSON(f), f.unknown) }

// UnmarshalJSON reads the store file, keeping the top-level members this version does
// not know.
func (f *storeFile) UnmarshalJSON(data []byte) error {
	var v storeJSON
	extra, err := decodeKeepingUnknown(data, &v)
	if err != nil {
		return err
	}
	*f = storeFile(v)
	f.unknown = extra
	return nil
}

// SameCall reports whether a and b are the same call (name, method, path and body),
// whatever members a newer version added to either.
func SameCall(a, b APICall) bool {
	return a.Name == b.Name && a.Method == b.Method && a.Path == b.Path && a.Body == b.Body
}

// keepUnknown copies onto edited the members a newer version added to orig (the stored
// profile it replaces): the profile's own, its TLS options', and those of each call
// edited still has unchanged. Callers rebuild profiles from form fields and flags, so
// the store does this on every update rather than trusting each caller to.
func keepUnknown(orig Profile, edited *Profile) {
	if edited.unknown == "" {
		edited.unknown = orig.unknown
	}
	if edited.TLS.unknown == "" {
		edited.TLS.unknown = orig.TLS.unknown
	}
	used := make([]bool, len(orig.Calls))
	for i, c := range edited.Calls {
		if c.unknown != "" {
			continue
		}
		for j, o := range orig.Calls {
			if !used[j] && o.unknown != "" && SameCall(o, c) {
				edited.Calls[i].unknown, used[j] = o.unknown, true
				break
			}
		}
	}
}
