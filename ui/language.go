package ui

import (
	"sync/atomic"

	"fyne.io/fyne/v2"

	"trustedapp-tester/guide"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/i18n/fynelang"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
	"trustedapp-tester/ui/widgets"
)

// The app's language. Every string the screens show goes through lang (the
// i18n.Localizer of the language in use), so `fyne translate` and internal/i18n's tests
// find them as lang.X("app.…", "English"). The choice (Help > Language: System,
// English, Български) is kept in Fyne's preferences under languagePref; "" follows the
// system's language (i18n.System). Choosing another language rebuilds the screens at
// once (UI.SetLanguage); Fyne's own strings (dialog buttons, the file chooser, an
// entry's menu) follow through fynelang.

// languagePref is the preference that holds the chosen language's code, "" for the
// system's.
const languagePref = "language"

// systemLanguage is the system's language (a locale or code); tests pin it to English.
var systemLanguage = i18n.System

// langSwitch is the Localizer the screens speak through, replaced as a whole when the
// language changes (an atomic pointer: the desk's goroutines format text too).
type langSwitch struct {
	cur atomic.Pointer[i18n.Localizer]
}

// lang is the language the app speaks now (English until New applies the choice).
var lang = &langSwitch{}

func (s *langSwitch) get() *i18n.Localizer { return s.cur.Load() }

// X translates key, whose English is fallback (i18n.Localizer.X).
func (s *langSwitch) X(key, fallback string, data ...any) string {
	return s.get().X(key, fallback, data...)
}

// XN translates the plural message key (i18n.Localizer.XN).
func (s *langSwitch) XN(key, fallback string, count int, data ...any) string {
	return s.get().XN(key, fallback, count, data...)
}

// Code is the code of the language in use ("en", "bg").
func (s *langSwitch) Code() string { return s.get().Code() }

// Localizer is the i18n.Localizer in use (for the packages that take one: guide,
// report, compare, explain).
func (s *langSwitch) Localizer() *i18n.Localizer { return s.get() }

// keychainName is the system's keychain as the language in use names it.
func keychainName() string { return guide.KeychainIn(lang.get(), platform.Current()) }

// languageChoice is the language preference: "" (the system's), "en" or "bg".
func (u *UI) languageChoice() string {
	c := u.app.Preferences().String(languagePref)
	if _, ok := i18n.Match(c); !ok {
		return ""
	}
	return c
}

// chosenCode is the language chosen, or the system's.
func (u *UI) chosenCode() string {
	if code := u.languageChoice(); code != "" {
		return code
	}
	return systemLanguage()
}

// applyLanguage makes lang and Fyne's own strings speak the chosen language.
func (u *UI) applyLanguage() {
	l := i18n.For(u.chosenCode())
	lang.cur.Store(l)
	u.desk.SetLanguage(l)
	if err := fynelang.Use(l); err != nil {
		fyne.LogError("Fyne's own strings stay in another language", err)
	}
}

// SetLanguage chooses the app's language ("" for the system's, "en", "bg"), keeps the
// choice for the next start, and rebuilds the screens in it. While a test runs or the
// editor is open (whose unsaved changes a rebuild would lose) the choice is kept and
// applied once the window can be rebuilt: the status line says so.
func (u *UI) SetLanguage(code string) {
	if _, ok := i18n.Match(code); !ok {
		code = ""
	}
	u.app.Preferences().SetString(languagePref, code)
	if u.desk.Running() || u.showing(u.editor.content) {
		u.pendingLanguage = true
		// Said in the language chosen: the one the user reads.
		lang := i18n.For(u.chosenCode())
		u.setStatus(lang.X("app.language.later", "The new language applies when the test ends or the editor closes (or at the next start)."))
		return
	}
	u.rebuild()
}

// applyPendingLanguage rebuilds the screens in a language chosen while they could not
// be rebuilt.
func (u *UI) applyPendingLanguage() {
	if u.pendingLanguage && !u.desk.Running() && !u.showing(u.editor.content) {
		u.rebuild()
	}
}

// rebuild makes every screen again in the chosen language and shows the selection as
// it was (its last run, the status line's sentence on it). A tool screen closes.
func (u *UI) rebuild() {
	u.pendingLanguage = false
	u.applyLanguage()
	u.toolBack, u.toolStatus = nil, ""
	u.build()
	u.fit.content = u.content
	u.fit.box.Objects = []fyne.CanvasObject{u.content}
	u.fit.box.Refresh()
	u.installCommands()
	u.sidebar.refresh()
	u.showSelected()
	u.setStatus(u.runStatus())
}

// languageMenu is Help > Language: the system's language, English, Български; the one
// chosen is checked.
func (u *UI) languageMenu() *fyne.MenuItem {
	choice := u.languageChoice()
	sys, ok := i18n.Match(systemLanguage())
	if !ok {
		sys = "en"
	}
	sysName := ""
	for _, l := range i18n.Languages {
		if l.Code == sys {
			sysName = l.Name
		}
	}
	item := func(label, code string) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, func() { u.SetLanguage(code) })
		it.Checked = choice == code
		return it
	}
	items := []*fyne.MenuItem{item(lang.X("app.language.system", "System ({{.Name}})", map[string]any{"Name": sysName}), "")}
	for _, l := range i18n.Languages {
		items = append(items, item(l.Name, l.Code))
	}
	it := fyne.NewMenuItem(lang.X("app.language.menu", "Language"), nil)
	it.ChildMenu = fyne.NewMenu("", items...)
	return it
}

// secretNameOf names what the keychain holds for a profile of kind k in the language
// in use.
func secretNameOf(k profiles.Kind) string { return report.SecretNameIn(lang.get(), k) }

func init() { widgets.SetLanguage(lang) }

// kindLabelOf names a profile kind in the language in use: the editor's "Signs in
// with" choices.
func kindLabelOf(k profiles.Kind) string { return report.KindLabelIn(lang.get(), k) }
