package i18n

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io/fs"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"

	"trustedapp-tester/assets/translations"
)

// Entry is one message of a translation file, as go-i18n reads it.
type Entry struct {
	// Hash is the hash of the English the translation was made from (SourceHash), ""
	// in an English file.
	Hash string
	// One and Other are the plural forms; a message without plural forms has Other
	// only.
	One, Other string
}

// ReadFile reads the embedded translation file name (AREA.CODE.json): its entries by
// key.
func ReadFile(name string) (map[string]Entry, error) {
	data, err := fs.ReadFile(translations.Files, name)
	if err != nil {
		return nil, err
	}
	return ParseFile(data, name)
}

// ParseFile reads a translation file's bytes; name gives its language.
func ParseFile(data []byte, name string) (map[string]Entry, error) {
	mf, err := goi18n.ParseMessageFileBytes(data, name, map[string]goi18n.UnmarshalFunc{"json": json.Unmarshal})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make(map[string]Entry, len(mf.Messages))
	for _, m := range mf.Messages {
		out[m.ID] = Entry{Hash: m.Hash, One: m.One, Other: m.Other}
	}
	return out, nil
}

// SourceHash is the hash a translation keeps of its English ("other" form), the way
// go-i18n's goi18n merge computes it: "sha1-" and the hex SHA-1 of the message's
// description (the program gives none) followed by its "other" form.
func SourceHash(other string) string {
	return fmt.Sprintf("sha1-%x", sha1.Sum([]byte(other)))
}
