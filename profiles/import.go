package profiles

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// BundleKind identifies an export bundle.
const BundleKind = "trustedapp-tester/profiles"

// MaxBundleBytes bounds an import file (and a damaged store file read for recovery):
// 16 MiB holds tens of thousands of profiles.
const MaxBundleBytes = 16 << 20

type bundle struct {
	Kind     string    `json:"kind"`
	Schema   int       `json:"schema"`
	Profiles []Profile `json:"profiles"`
}

// Export writes a bundle of the named profiles (all when names is empty) to w. A bundle
// never holds a secret, nor the date the secret was set on this machine.
func (s *Store) Export(names []string, w io.Writer) error {
	s.mu.Lock()
	var out []Profile
	var err error
	if len(names) == 0 {
		out = cloneAll(s.profiles)
	}
	idx := indexNames(s.profiles)
	seen := map[string]bool{}
	for _, n := range names {
		i := idx.find(n)
		if i < 0 {
			err = &NotFoundError{Name: n}
			break
		}
		if !seen[key(n)] {
			seen[key(n)] = true
			out = append(out, cloneProfile(s.profiles[i]))
		}
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	SortByName(out)
	for i := range out {
		out[i].SecretSetAt, out[i].SecretFor = time.Time{}, nil
	}
	if out == nil {
		out = []Profile{}
	}
	b, err := json.MarshalIndent(bundle{Kind: BundleKind, Schema: SchemaVersion, Profiles: out}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadBundleBytes reads an import file whole, refusing one over MaxBundleBytes (the one
// place that limit is applied to an import).
func ReadBundleBytes(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBundleBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the import file: %w", err)
	}
	if len(raw) > MaxBundleBytes {
		return nil, fmt.Errorf("the import file is larger than %d MiB, more than any profile bundle: check that it is an export of Trusted App Tester", MaxBundleBytes>>20)
	}
	return raw, nil
}

// ReadBundle reads the profiles of a bundle written by Export (a store file is accepted
// too) without touching any store: what Import would bring in, for a review first.
func ReadBundle(r io.Reader) ([]Profile, error) {
	raw, err := ReadBundleBytes(r)
	if err != nil {
		return nil, err
	}
	var head struct {
		Kind   string `json:"kind"`
		Schema *int   `json:"schema"`
	}
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(t, &head); err != nil {
			return nil, fmt.Errorf("the import file is not a profile bundle (%v): export one with 'profiles export' or the app's Export button", jsonError(err))
		}
		if head.Kind != "" && head.Kind != BundleKind {
			return nil, fmt.Errorf("the import file is a %q, not a profile bundle (%q): export one with 'profiles export'", head.Kind, BundleKind)
		}
	}
	f, _, err := decodeStore(raw)
	if err != nil {
		return nil, fmt.Errorf("the import file cannot be used (%v): export it again with 'profiles export'", err)
	}
	return f.Profiles, nil
}

// ConflictAction says what Import does with a profile whose name already exists.
type ConflictAction int

const (
	// ConflictSkip keeps the existing profile and ignores the imported one.
	ConflictSkip ConflictAction = iota
	// ConflictRename imports the profile under a new name (given, or "Name (2)").
	ConflictRename
	// ConflictReplace overwrites the existing profile (its secret date is kept, since
	// the secret stays in the keychain under the same name). The secret stays with the
	// hosts it was stored for: when the imported profile sends it elsewhere, it is not
	// sent until moved or set again (ImportResult.Secrets says so).
	ConflictReplace
	// ConflictReplaceMovingSecret is ConflictReplace whose stored secret follows the
	// imported profile to the hosts it names (--move-secrets, the app's question).
	ConflictReplaceMovingSecret
)

// Renamed is one profile imported under another name.
type Renamed struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Rejected is one imported profile that failed validation and was not imported.
type Rejected struct {
	Name     string    `json:"name"`
	Problems []Problem `json:"problems"`
}

// ImportResult says what Import (or Recover) did with each profile. Review lists the
// security-relevant values of the profiles it saved (added, renamed or replaced), for
// the user to check.
type ImportResult struct {
	Added    []string   `json:"added"`
	Renamed  []Renamed  `json:"renamed"`
	Replaced []string   `json:"replaced"`
	Skipped  []string   `json:"skipped"`
	Rejected []Rejected `json:"rejected"`
	Review   []Review   `json:"review,omitempty"`
	// Secrets are the replaced profiles whose stored secret the import would send to
	// other hosts: Moved when it followed (ConflictReplaceMovingSecret), else it stayed
	// with the hosts it was stored for and is not sent to the new ones.
	Secrets []SecretFate `json:"secrets,omitempty"`
}

// SecretFate is what an import did with the stored secret of a profile it replaced
// with one naming other hosts.
type SecretFate struct {
	SecretMove
	Moved bool `json:"moved"`
}

// Import reads a bundle written by Export (a store file is accepted too) and adds its
// profiles in one write. For each name that already exists, onConflict (nil: skip)
// chooses what to do; for ConflictRename an empty newName picks "Name (2)", "Name (3)"...
// Profiles with validation errors are rejected and reported, not imported. A missing
// CA file is not an error here (it may live elsewhere on this machine). Its time grows
// linearly with the number of profiles in the bundle and the store.
//
// A profile that names a field twice (in any case: JSON readers take the last) is
// rejected; one that spells a field in another case is noted in the review. A
// replacement's review also lists what it changes of where the credentials go
// (ChangeNotes), and the replaced profile's stored secret stays with the hosts it was
// stored for unless the action is ConflictReplaceMovingSecret.
func (s *Store) Import(r io.Reader, onConflict func(p Profile) (ConflictAction, string)) (ImportResult, error) {
	raw, err := ReadBundleBytes(r)
	if err != nil {
		return ImportResult{}, err
	}
	incoming, flaws, err := readBundle(raw)
	if err != nil {
		return ImportResult{}, err
	}
	return s.importProfiles(incoming, flaws, onConflict)
}

// ImportProfiles is Import of profiles already read (ReadBundle, ReadCSV): the same
// validation, conflict choices, review and one write.
func (s *Store) ImportProfiles(incoming []Profile, onConflict func(p Profile) (ConflictAction, string)) (ImportResult, error) {
	return s.importProfiles(incoming, nil, onConflict)
}

// importProfiles imports incoming; flaws are the bundle's member names spelled twice
// or in another case, by profile index (none for profiles read from CSV).
func (s *Store) importProfiles(incoming []Profile, flaws map[int]keyFlaws, onConflict func(p Profile) (ConflictAction, string)) (ImportResult, error) {
	var res ImportResult
	err := s.mutate(func(c *change) error {
		res = ImportResult{}
		idx := indexNames(c.ps)
		reject := func(name string, err error) {
			res.Rejected = append(res.Rejected, Rejected{Name: name, Problems: err.(*ValidationError).Problems})
		}
		add := func(p Profile) {
			idx[key(p.Name)] = len(c.ps)
			c.ps = append(c.ps, p)
		}
		for n, p := range incoming {
			p = cloneProfile(p)
			p.Name = NormalizeName(p.Name)
			p.SecretSetAt, p.SecretFor = time.Time{}, nil
			if p.Created.IsZero() {
				p.Created = c.now
			}
			p.Updated = c.now
			if tw := flaws[n].twice; len(tw) > 0 {
				res.Rejected = append(res.Rejected, Rejected{Name: p.Name, Problems: tw})
				continue
			}
			spelled := flaws[n].spelled
			i := idx.find(p.Name)
			if i < 0 {
				if err := checkValid(p, c.ps, idx, -1, false); err != nil {
					reject(p.Name, err)
					continue
				}
				add(p)
				res.Added = append(res.Added, p.Name)
				res.review(p, spelled)
				continue
			}
			action, newName := ConflictSkip, ""
			if onConflict != nil {
				action, newName = onConflict(cloneProfile(p))
			}
			switch action {
			case ConflictReplace, ConflictReplaceMovingSecret:
				if err := checkValid(p, c.ps, idx, i, false); err != nil {
					reject(p.Name, err)
					continue
				}
				held := c.ps[i]
				move := action == ConflictReplaceMovingSecret
				// The profile keeps the name it has here (the bundle's may differ in
				// case or accent form): its secret is kept under that name, and
				// belongs to the hosts it was stored for unless it is moved.
				p.Name = held.Name
				p.SecretSetAt = held.SecretSetAt
				p.SecretFor = SecretBinding(held, Profile{})
				if from, to := p.SecretFor, SecretOrigins(p); len(from) > 0 && !subset(to, from) {
					if move {
						p.SecretFor = to
					}
					res.Secrets = append(res.Secrets, SecretFate{SecretMove: SecretMove{Name: p.Name, From: from, To: to}, Moved: move})
				}
				c.ps[i] = p
				res.Replaced = append(res.Replaced, p.Name)
				res.review(p, append(spelled, ChangeNotes(held, p, move)...))
			case ConflictRename:
				from := p.Name
				if strings.TrimSpace(newName) == "" {
					newName = freeName(idx, p.Name)
				}
				p.Name = NormalizeName(newName)
				if err := checkValid(p, c.ps, idx, -1, false); err != nil {
					reject(from, err)
					continue
				}
				add(p)
				res.Renamed = append(res.Renamed, Renamed{From: from, To: p.Name})
				res.review(p, spelled)
			default:
				res.Skipped = append(res.Skipped, p.Name)
			}
		}
		return nil
	})
	return res, err
}

func (res *ImportResult) review(p Profile, first []SecurityNote) {
	if notes := append(slices.Clip(first), SecurityNotes(p)...); len(notes) > 0 {
		res.Review = append(res.Review, Review{Name: p.Name, Notes: notes})
	}
}

// freeName returns "name (2)", "name (3)", ... the first one not taken.
func freeName(idx nameIndex, name string) string {
	base := strings.TrimSpace(name)
	for n := 2; ; n++ {
		c := fmt.Sprintf("%s (%d)", base, n)
		if idx.find(c) < 0 {
			return c
		}
	}
}

// DamagedFiles lists the damaged store files Open moved aside beside the store
// ("profiles.json.corrupt-<time>"), newest first.
func (s *Store) DamagedFiles() []string {
	matches, _ := filepath.Glob(s.path + ".corrupt-*")
	type file struct {
		path string
		mod  time.Time
	}
	var fs []file
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
			fs = append(fs, file{m, fi.ModTime()})
		}
	}
	slices.SortStableFunc(fs, func(a, b file) int { return b.mod.Compare(a.mod) })
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.path
	}
	return out
}

// Recover brings back the profiles that still parse in a damaged store file (one Open
// moved aside, see CorruptError). A profile this store lacks is added; one it holds in
// another version that is not newer (by Updated) is replaced; one it holds alike, or
// edited since, is skipped. Their timestamps and secret dates are kept: their secrets
// never left this machine's keychain. Nothing is validated beyond the names: these
// profiles were saved by this tool.
func (s *Store) Recover(damaged string) (ImportResult, error) {
	f, err := os.Open(damaged)
	if err != nil {
		return ImportResult{}, fmt.Errorf("cannot open the damaged store file (%s): %w", describeIOError(err), err)
	}
	raw, err := io.ReadAll(io.LimitReader(f, MaxBundleBytes+1))
	f.Close()
	if err != nil {
		return ImportResult{}, fmt.Errorf("cannot read the damaged store file %s (%s): %w", damaged, describeIOError(err), err)
	}
	if len(raw) > MaxBundleBytes {
		return ImportResult{}, fmt.Errorf("%s is larger than %d MiB, more than any profile store: it is not a damaged store file", damaged, MaxBundleBytes>>20)
	}
	found := salvage(raw)
	if len(found) == 0 {
		return ImportResult{}, fmt.Errorf("no profile could be read from %s: it holds nothing to recover", damaged)
	}
	var res ImportResult
	err = s.mutate(func(c *change) error {
		res = ImportResult{}
		idx := indexNames(c.ps)
		for _, p := range found {
			p = cloneProfile(p)
			i := idx.find(p.Name)
			switch {
			case i < 0:
				if strings.TrimSpace(p.Name) == "" {
					continue
				}
				idx[key(p.Name)] = len(c.ps)
				c.ps = append(c.ps, p)
				res.Added = append(res.Added, p.Name)
			case newerThanHeld(p, c.ps[i:i+1]):
				delete(idx, key(c.ps[i].Name))
				idx[key(p.Name)] = i
				c.ps[i] = p
				res.Replaced = append(res.Replaced, p.Name)
			default:
				res.Skipped = append(res.Skipped, p.Name)
			}
		}
		return nil
	})
	return res, err
}
