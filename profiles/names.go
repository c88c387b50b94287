package profiles

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName is the form a profile name is stored and compared in: Unicode NFC, so
// "café" typed with a composed é and with e + a combining accent is one name (and one
// keychain entry), not two that look the same.
func NormalizeName(name string) string { return norm.NFC.String(name) }

// key is what two names must share to be the same profile: NFC, trimmed, lower case.
func key(name string) string { return strings.ToLower(NormalizeName(strings.TrimSpace(name))) }

// SameName reports whether a and b name the same profile (ignoring case, and composed
// or decomposed accents).
func SameName(a, b string) bool { return key(a) == key(b) }

// SortByName orders profiles by name ignoring case, as every list shows them; names
// that differ only in case keep a stable order.
func SortByName(ps []Profile) {
	keys := make(map[string]string, len(ps))
	for _, p := range ps {
		if _, ok := keys[p.Name]; !ok {
			keys[p.Name] = key(p.Name)
		}
	}
	slices.SortStableFunc(ps, func(a, b Profile) int {
		if c := strings.Compare(keys[a.Name], keys[b.Name]); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// nameIndex finds profiles by name in O(1): the store's operations on thousands of
// profiles (an import) must not search the whole list for every name.
type nameIndex map[string]int

func indexNames(ps []Profile) nameIndex {
	idx := make(nameIndex, len(ps))
	for i, p := range ps {
		idx[key(p.Name)] = i
	}
	return idx
}

// find returns the index of the profile called name, or -1.
func (idx nameIndex) find(name string) int {
	if i, ok := idx[key(name)]; ok {
		return i
	}
	return -1
}
