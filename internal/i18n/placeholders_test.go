package i18n_test

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// What a translation must keep of its English: the placeholders the program fills
// in, and the names that are the same in every language.

// templateActions lists a message's Go template actions ({{.Count}}), sorted.
func templateActions(s string) []string {
	out := templateAction.FindAllString(s, -1)
	sort.Strings(out)
	return out
}

var templateAction = regexp.MustCompile(`\{\{[^}]*\}\}`)

// printfVerbs lists a message's fmt verbs as argument number and verb ("1s", "2d"),
// sorted: a translation may reorder them with explicit indexes (%[2]s) but must use
// each argument as the English does. Flags, width and precision may differ.
func printfVerbs(s string) []string {
	var out []string
	arg := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		if i < len(s) && s[i] == '%' {
			continue
		}
		for i < len(s) && strings.IndexByte("+-# 0", s[i]) >= 0 {
			i++
		}
		for i < len(s) {
			switch {
			case s[i] == '[':
				j := strings.IndexByte(s[i:], ']')
				if j < 0 {
					return append(out, "bad index")
				}
				n, err := strconv.Atoi(s[i+1 : i+j])
				if err != nil {
					return append(out, "bad index")
				}
				arg = n - 1
				i += j + 1
				continue
			case s[i] == '*':
				out = append(out, fmt.Sprintf("%d*", arg+1))
				arg++
				i++
				continue
			case s[i] >= '0' && s[i] <= '9' || s[i] == '.':
				i++
				continue
			}
			break
		}
		if i < len(s) {
			out = append(out, fmt.Sprintf("%d%c", arg+1, s[i]))
			arg++
		}
	}
	sort.Strings(out)
	return out
}

// guideShape describes a guide template's placeholders: the {key}s outside segments,
// and each [[text||fallback]] segment's keys, sorted. A translation may move
// segments, but must keep each with the same keys, or a fact the English shows would
// drop out (or a missing one show as "(not recorded)").
func guideShape(s string) string {
	var outside []string
	var segs []string
	for {
		i := strings.Index(s, "[[")
		if i < 0 {
			outside = append(outside, guideKeys(s)...)
			break
		}
		outside = append(outside, guideKeys(s[:i])...)
		rest := s[i+2:]
		j := strings.Index(rest, "]]")
		if j < 0 {
			outside = append(outside, guideKeys(rest)...)
			break
		}
		text, fallback, _ := strings.Cut(rest[:j], "||")
		a, b := guideKeys(text), guideKeys(fallback)
		sort.Strings(a)
		sort.Strings(b)
		segs = append(segs, "[["+strings.Join(a, " ")+"||"+strings.Join(b, " ")+"]]")
		s = rest[j+2:]
	}
	sort.Strings(outside)
	sort.Strings(segs)
	return strings.Join(outside, " ") + " " + strings.Join(segs, " ")
}

var guideKey = regexp.MustCompile(`\{([^{}]*)\}`)

func guideKeys(s string) []string {
	var out []string
	for _, m := range guideKey.FindAllStringSubmatch(s, -1) {
		out = append(out, "{"+m[1]+"}")
	}
	return out
}

// keptNames are the words of an English message a translation must keep as they are:
// ERP.net's field names (ApplicationSecretHash, SystemUserAllowed), OAuth's
// (client_id, invalid_client), finding codes (token.invalid_client), flags
// (--fresh), URLs and the command's name.
func keptNames(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, re := range keptName {
		for _, m := range re.FindAllString(s, -1) {
			m = strings.TrimSpace(strings.TrimRight(m, ".,;:)"))
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out
}

var keptName = []*regexp.Regexp{
	regexp.MustCompile(`https?://[^\s"'<>)\]]+`),
	regexp.MustCompile(`\b[A-Za-z]*[a-z][A-Z][A-Za-z0-9]*\b`),        // SystemUserAllowed, OpenID
	regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`),          // client_id, invalid_client
	regexp.MustCompile(`\b[a-z]{2,}(?:\.[a-z_]{2,})+\b`),             // token.invalid_client, my.erp.net
	regexp.MustCompile(`(?:^|\s)--[a-z][a-z0-9-]*`),                  // --fresh
	regexp.MustCompile(`\btrustedapp-check\b|\btrustedapp-tester\b`), // the commands
}

// sortedKeys lists a message's {word} placeholders (the CLI's {methods}), sorted.
func sortedKeys(s string) []string {
	out := guideKeys(s)
	sort.Strings(out)
	return out
}

// layout describes a message's line structure: its leading and trailing white space
// and how many line breaks and tabs it holds (a table row's columns, a usage text's
// last line), which a translation keeps.
func layout(s string) string {
	lead := len(s) - len(strings.TrimLeft(s, " \t\n"))
	trail := len(s) - len(strings.TrimRight(s, " \t\n"))
	return fmt.Sprintf("%q…%q, %d tabs", s[:lead], s[len(s)-trail:], strings.Count(s, "\t"))
}
