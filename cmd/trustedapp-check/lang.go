package main

import (
	"strings"
	"sync/atomic"

	"trustedapp-tester/internal/i18n"
)

// The language trustedapp-check speaks. A run speaks one language, chosen before the
// command line is parsed so that even a usage error is said in it: --lang (every
// command takes it, before or after the command's name), else the system's language
// (env.system: i18n.System, the POSIX variables, the Windows display language,
// macOS's AppleLanguages), else English. Its messages are said through lang, named
// as Fyne's package is, so `fyne translate` finds them:
//
//	usageErr(lang.X("cli.check.parallel_use_1_64", "--parallel %d: use 1 to 64"), n)
//
// Finding codes, JSON, JUnit, metric names and ERP.net's field names stay as they are.

// speaker is the language of the run in progress (nil: English until run sets it).
type speaker struct{}

// lang says the CLI's messages in the run's language.
var lang speaker

var spoken atomic.Pointer[i18n.Localizer]

// Localizer is the run's language, for the packages that take one (report, guide).
func (speaker) Localizer() *i18n.Localizer { return spoken.Load() }

// L, X, N and XN are i18n.Localizer's (Fyne's lang API), in the run's language.
func (speaker) L(in string, data ...any) string { return spoken.Load().L(in, data...) }
func (speaker) X(key, fallback string, data ...any) string {
	return spoken.Load().X(key, fallback, data...)
}
func (speaker) N(in string, count int, data ...any) string {
	return spoken.Load().N(in, count, data...)
}
func (speaker) XN(key, fallback string, count int, data ...any) string {
	return spoken.Load().XN(key, fallback, count, data...)
}

// chooseLang is the language of a run with the command line args: --lang's value
// when one is given (a usage error when it names no language the CLI speaks), else
// system's answer (nil, in tests: English).
func chooseLang(args []string, system func() string) (*i18n.Localizer, error) {
	if v, ok := langFlag(args); ok {
		code, known := i18n.Match(v)
		if !known {
			def := "en"
			if system != nil {
				def = system()
			}
			spoken.Store(i18n.For(def))
			return i18n.For(def), usageErr(lang.X("cli.lang.unknown", "--lang %q: use one of %s"), v, i18n.Codes())
		}
		return i18n.For(code), nil
	}
	if system != nil {
		return i18n.For(system()), nil
	}
	return i18n.For("en"), nil
}

// langFlag finds --lang (or -lang, with its value after = or as the next argument)
// among the flags of a command line, as the flag package will read it: the last one
// wins, and nothing after "--" is a flag.
func langFlag(args []string) (value string, ok bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				break // a --lang without a value: the flag package says so
			}
			i++
			val = args[i]
		}
		value, ok = val, true
	}
	return value, ok
}

// withoutLeadingLang drops --lang and its value from the front of a command line, so
// that `trustedapp-check --lang bg check` and `... profiles --lang bg list` find
// their command.
func withoutLeadingLang(args []string) []string {
	for len(args) > 0 {
		name, _, hasVal := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if !strings.HasPrefix(args[0], "-") || name != "lang" {
			return args
		}
		if hasVal || len(args) == 1 {
			args = args[1:]
		} else {
			args = args[2:]
		}
	}
	return args
}
