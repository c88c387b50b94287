package profiles

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"trustedapp-tester/internal/safetext"
)

// Limits of a profile's tags.
const (
	MaxTags      = 20
	MaxTagLength = 40 // characters
)

// NormalizeTags splits each of in on commas and semicolons (a cell of a CSV file, a
// field a user typed), trims the parts, drops empty ones and repeats (ignoring case,
// the first spelling kept), in order. It returns nil for no tags.
func NormalizeTags(in ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
			t = strings.TrimSpace(t)
			if t == "" || seen[strings.ToLower(t)] {
				continue
			}
			seen[strings.ToLower(t)] = true
			out = append(out, t)
		}
	}
	return out
}

// HasTag reports whether p has the tag (ignoring case).
func (p Profile) HasTag(tag string) bool {
	for _, t := range p.Tags {
		if strings.EqualFold(t, strings.TrimSpace(tag)) {
			return true
		}
	}
	return false
}

func checkTags(c *checker) {
	if n := len(c.p.Tags); n > MaxTags {
		c.errorf("tags", "has %d tags: use at most %d", n, MaxTags)
	}
	seen := map[string]bool{}
	for i, t := range c.p.Tags {
		field := fmt.Sprintf("tags[%d]", i)
		switch {
		case strings.TrimSpace(t) == "":
			c.errorf(field, "is empty: remove it")
		case t != strings.TrimSpace(t):
			c.errorf(field, "%q has leading or trailing spaces: remove them", t)
		case strings.ContainsAny(t, ",;"):
			c.errorf(field, "%q contains a comma or semicolon, which separate tags: split it into two tags", t)
		case utf8.RuneCountInString(t) > MaxTagLength:
			c.errorf(field, "is %d characters long: use at most %d", utf8.RuneCountInString(t), MaxTagLength)
		case !utf8.ValidString(t) || strings.IndexFunc(t, unicode.IsControl) >= 0 || safetext.Contains(t):
			c.errorf(field, "contains an invisible or control character: type the tag again")
		case seen[strings.ToLower(t)]:
			c.warnf(field, "%q is listed twice: remove the duplicate", t)
		}
		seen[strings.ToLower(t)] = true
	}
}
