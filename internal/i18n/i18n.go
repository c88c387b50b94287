// Package i18n is the program's one translation mechanism. The CLI, the reports, the
// guidance catalogue and the app's screens say what they say through a *Localizer,
// which reads the go-i18n message files embedded by assets/translations; the app
// hands the same files' strings for Fyne's own widgets to Fyne's lang package
// (internal/i18n/fynelang). It needs no Fyne, so the CLI uses it too.
//
// A Localizer has the API of Fyne's lang package, as methods, and the code names it
// lang, so a call reads as it would with Fyne's package and `fyne translate` (which
// looks for the identifier lang followed by L, N, X or XN) extracts it:
//
//	lang.X("cli.record.fields_to_fix", "%d fields to fix.")        // a key and its English
//	lang.XN("cli.diff.differences", "{{.Count}} differences:", n,  // a plural
//		map[string]any{"Count": n})
//
// The English is the code's; the translations are in assets/translations. A message
// takes Go template actions ({{.Name}}, with data) or fmt verbs (%s, %[2]d: the caller
// formats the result), never both. The nil *Localizer speaks English, so code that was
// given none still works.
//
// Which language: For(code) for a choice the user made (the CLI's --lang, the app's
// setting), System() for the system's own (languages_*.go: the POSIX variables, the
// Windows UI language, macOS's AppleLanguages).
package i18n

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"text/template"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"trustedapp-tester/assets/translations"
)

// Language is one language the program speaks.
type Language struct {
	// Code is the language's BCP 47 base ("en", "bg"): the --lang value and the
	// translation files' suffix.
	Code string
	// Name is the language's name in itself ("English", "Български").
	Name string
}

// Languages are the languages the program speaks, English (the source) first.
var Languages = []Language{{Code: "en", Name: "English"}, {Code: "bg", Name: "Български"}}

// Codes lists the Languages' codes: "en, bg".
func Codes() string {
	codes := make([]string, len(Languages))
	for i, l := range Languages {
		codes[i] = l.Code
	}
	return strings.Join(codes, ", ")
}

// Localizer says the program's messages in one language. The nil *Localizer speaks
// English.
type Localizer struct {
	code string
	loc  *goi18n.Localizer
	err  error
}

var (
	mu    sync.Mutex
	cache = map[string]*Localizer{}
)

// For returns the Localizer of a language the program speaks, by its code or any
// locale naming it ("bg", "bg-BG", "bg_BG.UTF-8"); English for anything else (Match
// tells the two apart). Localizers are made once and shared; they are safe for
// concurrent use.
func For(code string) *Localizer {
	c, ok := Match(code)
	if !ok {
		c = "en"
	}
	mu.Lock()
	defer mu.Unlock()
	if l := cache[c]; l != nil {
		return l
	}
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	var errs []error
	for _, name := range Files(c) {
		data, err := fs.ReadFile(translations.Files, name)
		if err == nil {
			_, err = b.ParseMessageFileBytes(data, name)
		}
		if err != nil {
			// A file that does not parse leaves its messages in English; the tests
			// parse every file, so this is for a file edited by hand since.
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	l := &Localizer{code: c, loc: goi18n.NewLocalizer(b, c), err: errors.Join(errs...)}
	cache[c] = l
	return l
}

// Files lists the translation files of a language (AREA.CODE.json), sorted.
func Files(code string) []string {
	names, _ := fs.Glob(translations.Files, "*."+code+".json")
	sort.Strings(names)
	return names
}

// Match says which of the Languages a language code or locale names: "bg", "bg-BG",
// "bg_BG.UTF-8" and "BG" are "bg". ok is false for a language the program does not
// speak, the C and POSIX locales, and what is no language at all.
func Match(locale string) (code string, ok bool) {
	s := strings.TrimSpace(locale)
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i] // bg_BG.UTF-8, sr_RS@latin
	}
	s = strings.ReplaceAll(s, "_", "-")
	if s == "" || s == "C" || s == "POSIX" {
		return "", false
	}
	tag, err := language.Parse(s)
	if err != nil {
		return "", false
	}
	base, _ := tag.Base()
	for _, l := range Languages {
		if base.String() == l.Code {
			return l.Code, true
		}
	}
	return "", false
}

// Code is the language's code ("en" for the nil Localizer).
func (l *Localizer) Code() string {
	if l == nil {
		return "en"
	}
	return l.code
}

// Err reports the translation files of the language that did not load (their
// messages are said in English); nil when all did.
func (l *Localizer) Err() error {
	if l == nil {
		return nil
	}
	return l.err
}

// L translates a message whose key is its English, like Fyne's lang.L.
func (l *Localizer) L(in string, data ...any) string {
	return l.localize(in, in, nil, data)
}

// X translates the message key, whose English is fallback, like Fyne's lang.X.
func (l *Localizer) X(key, fallback string, data ...any) string {
	return l.localize(key, fallback, nil, data)
}

// N translates a plural message whose key is its English ("other" form), like
// Fyne's lang.N: count picks the form.
func (l *Localizer) N(in string, count int, data ...any) string {
	return l.localize(in, in, count, data)
}

// XN translates the plural message key, whose English "other" form is fallback, like
// Fyne's lang.XN: count picks the form (Bulgarian and English have "one" and
// "other").
func (l *Localizer) XN(key, fallback string, count int, data ...any) string {
	return l.localize(key, fallback, count, data)
}

func (l *Localizer) localize(key, fallback string, count any, data []any) string {
	if l == nil {
		l = For("en")
	}
	var d0 any
	if len(data) > 0 {
		d0 = data[0]
	}
	cfg := &goi18n.LocalizeConfig{DefaultMessage: &goi18n.Message{ID: key, Other: fallback}, TemplateData: d0}
	if count != nil {
		cfg.PluralCount = count
	}
	s, err := l.loc.Localize(cfg)
	if s == "" && err != nil {
		// Only when the message cannot be said at all (a template that does not
		// parse): the English, with its data.
		return fill(fallback, d0)
	}
	return s
}

// fill executes an English template with data, or returns it as it is.
func fill(src string, data any) string {
	if !strings.Contains(src, "{{") {
		return src
	}
	t, err := template.New("").Option("missingkey=default").Parse(src)
	if err != nil {
		return src
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return src
	}
	return b.String()
}
