package widgets

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
)

// VerdictIcon is the icon for a step or run verdict: a green tick, an amber warning,
// a red cross, or a grey "skipped" mark.
func VerdictIcon(v check.Verdict) fyne.Resource {
	switch v {
	case check.Pass:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case check.Warn:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case check.Fail:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case check.Skipped:
		return theme.NewDisabledResource(theme.ContentRemoveIcon())
	}
	return theme.NewDisabledResource(theme.RadioButtonIcon())
}

// VerdictColor is the theme colour for a verdict.
func VerdictColor(v check.Verdict) fyne.ThemeColorName {
	switch v {
	case check.Pass:
		return theme.ColorNameSuccess
	case check.Warn:
		return theme.ColorNameWarning
	case check.Fail:
		return theme.ColorNameError
	}
	return theme.ColorNameDisabledButton
}

// EnvColor is the colour tag of an environment label: red for production, amber for
// test, violet for the sandbox, grey-blue for anything else. Each carries white text
// at 4.5:1 or more (WCAG AA; ui's TestThemeContrast checks them).
func EnvColor(env string) color.Color {
	if profiles.IsProduction(env) {
		return color.NRGBA{R: 0xd3, G: 0x2f, B: 0x2f, A: 0xff}
	}
	switch strings.ToLower(strings.TrimSpace(env)) {
	case strings.ToLower(profiles.EnvTest), "staging", "dev", "development", "qa":
		return color.NRGBA{R: 0x9a, G: 0x5b, B: 0x00, A: 0xff} // white text 5.4:1
	case strings.ToLower(profiles.EnvSandbox):
		return color.NRGBA{R: 0x7b, G: 0x4d, B: 0xc4, A: 0xff}
	}
	return color.NRGBA{R: 0x54, G: 0x6e, B: 0x7a, A: 0xff}
}

// VerdictWord is a verdict in words, the text form that goes next to its colour:
// "passed", "warning", "failed", "skipped", or "not run yet".
func VerdictWord(v check.Verdict) string {
	switch v {
	case check.Pass:
		return lang.X("app.verdict.word.passed", "passed")
	case check.Warn:
		return lang.X("app.verdict.word.warning", "warning")
	case check.Fail:
		return lang.X("app.verdict.word.failed", "failed")
	case check.Skipped:
		return lang.X("app.verdict.word.skipped", "skipped")
	}
	return lang.X("app.verdict.word.not_run", "not run yet")
}

// Translator says a message in the app's language (ui's lang).
type Translator interface {
	X(key, fallback string, data ...any) string
}

// lang is the language the widgets' own words are said in (SetLanguage); English
// until then.
var lang Translator = i18n.For("en")

// SetLanguage makes the widgets' own words (a verdict's word) speak tr's language.
// Call it once, before the widgets are made; tr may change its language later.
func SetLanguage(tr Translator) { lang = tr }

// Verdict is a verdict's icon that a screen reader reads as its word (Fyne's icon
// says nothing): use it wherever a verdict is shown by its icon.
type Verdict struct {
	widget.Icon
	// Word is what is said ("failed"); Note, when set, follows it ("failed:
	// ApplicationSecretHash").
	Word, Note string
}

// NewVerdict returns the icon of verdict v.
func NewVerdict(v check.Verdict) *Verdict {
	i := &Verdict{}
	i.ExtendBaseWidget(i)
	i.Set(v)
	return i
}

// Set shows verdict v.
func (i *Verdict) Set(v check.Verdict) {
	i.Word = VerdictWord(v)
	i.SetResource(VerdictIcon(v))
}

// AccessibilityLabel implements fyne.Accessible.
func (i *Verdict) AccessibilityLabel() string {
	if i.Note != "" {
		return i.Word + ": " + i.Note
	}
	return i.Word
}

// AccessibilityRole implements fyne.Accessible.
func (i *Verdict) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }
