package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
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

// schemaOf returns the document's schema version: 0 for a bare array.
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
	if err := json.Unmarshal(trimmed, &head); err != nil {
		return 0, jsonError(err)
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
func decodeStore(raw []byte) (profiles []Profile, from int, err error) {
	v, err := schemaOf(raw)
	if err != nil {
		return nil, 0, err
	}
	from = v
	if v > SchemaVersion {
		return nil, v, &decodeError{reason: ReasonFutureSchema, schema: v,
			msg: fmt.Sprintf("the file has schema %d, but this version of Trusted App Tester reads schema %d at most", v, SchemaVersion)}
	}
	if v < 0 {
		return nil, v, &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("the file has schema %d, which never existed", v)}
	}
	for v < SchemaVersion {
		m, ok := migrations[v]
		if !ok {
			return nil, from, &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("no migration from schema %d", v)}
		}
		raw, err = m(bytes.TrimSpace(raw))
		if err != nil {
			return nil, from, jsonError(err)
		}
		v++
	}
	var f storeFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, from, jsonError(err)
	}
	seen := map[string]bool{}
	for i, p := range f.Profiles {
		if strings.TrimSpace(p.Name) == "" {
			return nil, from, &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("profile #%d has no name", i+1)}
		}
		k := key(p.Name)
		if seen[k] {
			return nil, from, &decodeError{reason: ReasonInvalid, msg: fmt.Sprintf("two profiles are named %q", p.Name)}
		}
		seen[k] = true
	}
	if f.Profiles == nil {
		f.Profiles = []Profile{}
	}
	return f.Profiles, from, nil
}

func encodeStore(ps []Profile) ([]byte, error) {
	sorted := append([]Profile(nil), ps...)
	sortProfiles(sorted)
	b, err := json.MarshalIndent(storeFile{Schema: SchemaVersion, Profiles: sorted}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func key(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func sortProfiles(ps []Profile) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := key(ps[i].Name), key(ps[j].Name)
		if a != b {
			return a < b
		}
		return ps[i].Name < ps[j].Name
	})
}

// writeFileAtomic writes data to path through a temporary file in the same directory:
// write, fsync, rename over path, fsync the directory. The file mode is 0600.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil && !isUnsupported(err) {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	syncDir(dir)
	return nil
}

func isUnsupported(err error) bool {
	return errors.Is(err, errors.ErrUnsupported)
}

// syncDir makes a rename durable. It is best effort: Windows cannot fsync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
