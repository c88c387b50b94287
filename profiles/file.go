package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SchemaVersion is the version of the store file this build writes.
//
// History:
//
//	0  a bare JSON array of profiles (early builds)
//	1  {"schema":1,"profiles":[...]}
const SchemaVersion = 1

// storeFile is the on-disk shape of the current schema.
type storeFile struct {
	Schema   int       `json:"schema"`
	Profiles []Profile `json:"profiles"`

	unknown unknownFields // top-level members a newer version added (unknown.go)
}

// migrations[v] turns a schema-v document into a schema-(v+1) document.
var migrations = map[int]func(raw []byte) ([]byte, error){
	0: migrateV0toV1,
}

// migrateV0toV1 wraps a bare array of profiles in the versioned object.
func migrateV0toV1(raw []byte) ([]byte, error) {
	var arr []json.RawMessage
	if err := json.Unmarshal(raw, &arr); err != nil {
		return nil, err
	}
	if arr == nil {
		arr = []json.RawMessage{}
	}
	return json.Marshal(struct {
		Schema   int               `json:"schema"`
		Profiles []json.RawMessage `json:"profiles"`
	}{1, arr})
}

// loadError kinds, used by CorruptError.Reason.
const (
	ReasonTruncated    = "truncated"
	ReasonInvalidJSON  = "invalid JSON"
	ReasonFutureSchema = "written by a newer version"
	ReasonInvalid      = "invalid content"
	ReasonUnreadable   = "unreadable"
)

type decodeError struct {
	reason string
	msg    string
	schema int
}

func (e *decodeError) Error() string { return e.msg }

// schemaOf returns the document's schema version: 0 for a bare array. It reads only
// the "schema" member (after one validity scan): the profiles are decoded once, later.
func schemaOf(raw []byte) (int, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return 0, &decodeError{reason: ReasonTruncated, msg: "the file is empty"}
	}
	if trimmed[0] == '[' {
		return 0, nil
	}
	var head struct {
		Schema *int `json:"schema"`
	}
	if !json.Valid(trimmed) || trimmed[0] != '{' {
		if err := json.Unmarshal(trimmed, &head); err != nil {
			return 0, jsonError(err)
		}
		return 0, &decodeError{reason: ReasonInvalid, msg: "the file holds no JSON object"}
	}
	if v, ok := memberValue(trimmed, "schema"); ok {
		if err := json.Unmarshal(v, &head.Schema); err != nil {
			return 0, jsonError(err)
		}
	}
	if head.Schema == nil {
		return 0, &decodeError{reason: ReasonInvalid, msg: "the file has no \"schema\" field"}
	}
	return *head.Schema, nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end")) {
		return &decodeError{reason: ReasonTruncated, msg: "the file ends in the middle of its JSON (" + err.Error() + ")"}
	}
	if errors.As(err, &se) {
		return &decodeError{reason: ReasonInvalidJSON, msg: fmt.Sprintf("invalid JSON at byte %d (%v)", se.Offset, err)}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("field %q has the wrong type (%v)", te.Field, err)}
	}
	return &decodeError{reason: ReasonInvalidJSON, msg: err.Error()}
}

// decodeStore parses and migrates a store file. from is the file's schema version.
func decodeStore(raw []byte) (f storeFile, from int, err error) {
	v, err := schemaOf(raw)
	if err != nil {
		return f, 0, err
	}
	from = v
	if v > SchemaVersion {
		return f, v, &decodeError{reason: ReasonFutureSchema, schema: v,
			msg: fmt.Sprintf("the file has schema %d, but this version of Trusted App Tester reads schema %d at most", v, SchemaVersion)}
	}
	if v < 0 {
		return f, v, &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("the file has schema %d, which never existed", v)}
	}
	for v < SchemaVersion {
		m, ok := migrations[v]
		if !ok {
			return f, from, &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("no migration from schema %d", v)}
		}
		raw, err = m(bytes.TrimSpace(raw))
		if err != nil {
			return f, from, jsonError(err)
		}
		v++
	}
	extra, err := decodeKeepingUnknown(raw, (*storeJSON)(&f))
	if err != nil {
		return storeFile{}, from, jsonError(err)
	}
	f.unknown = extra
	seen := make(map[string]bool, len(f.Profiles))
	for i, p := range f.Profiles {
		if strings.TrimSpace(p.Name) == "" {
			return storeFile{}, from, &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("profile #%d has no name", i+1)}
		}
		k := key(p.Name)
		if seen[k] {
			return storeFile{}, from, &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("two profiles are named %q", p.Name)}
		}
		seen[k] = true
	}
	if f.Profiles == nil {
		f.Profiles = []Profile{}
	}
	f.Schema = SchemaVersion
	return f, from, nil
}

// encodeStore writes the store file: the current schema, the profiles sorted by name,
// and the top-level members a newer version added.
func encodeStore(f storeFile) ([]byte, error) {
	f.Schema = SchemaVersion
	f.Profiles = append([]Profile(nil), f.Profiles...)
	SortByName(f.Profiles)
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// salvage finds the profiles that still parse in a damaged store file: every JSON
// object that starts with a "name" member and has the members every profile is written
// with (instance_url, client_id), whatever broke before, between or after them. The
// first of two profiles with one name wins. It never fails; a file with nothing left
// gives nothing.
func salvage(raw []byte) []Profile {
	var out []Profile
	seen := map[string]bool{}
	for i := 0; i < len(raw); {
		j := bytes.IndexByte(raw[i:], '{')
		if j < 0 {
			break
		}
		i += j
		rest := bytes.TrimLeft(raw[i+1:], " \t\r\n")
		if !bytes.HasPrefix(rest, []byte(`"name"`)) {
			i++
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw[i:]))
		var obj json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			// Skip to where the object broke: no profile starts inside the part that
			// parsed, since profiles are never nested in one another.
			var se *json.SyntaxError
			if errors.As(err, &se) && se.Offset > 1 {
				i += int(se.Offset) - 1
			} else {
				i++
			}
			continue
		}
		i += int(dec.InputOffset())
		var members map[string]json.RawMessage
		var p Profile
		if json.Unmarshal(obj, &members) != nil || members["instance_url"] == nil || members["client_id"] == nil ||
			json.Unmarshal(obj, &p) != nil || strings.TrimSpace(p.Name) == "" || seen[key(p.Name)] {
			continue
		}
		seen[key(p.Name)] = true
		out = append(out, p)
	}
	return out
}
