// Package fynelang makes Fyne's lang package speak the language of an
// i18n.Localizer, for the strings of Fyne's own widgets and dialogs: the file
// chooser, Cancel and OK, an entry's Cut/Copy/Paste menu, the calendar's days. The
// program's own strings go through the Localizer itself.
//
// Fyne's lang picks its language by itself, from the system's locales (on Windows the
// regional format, not the display language) matched against the languages it has,
// and has no call to set it: SetLanguage does not exist, and the localizer it builds
// is private. What it does have is AddTranslationsForLocale, which adds messages for a
// language and then matches the system's locales again. So Use hands Fyne the chosen
// language's strings for Fyne's keys under every language Fyne could match (those it
// ships, and ours): whichever it picks then says them in the chosen language. Fyne's
// keys have no plural forms, so another language's plural rules never apply to them.
// Use can be called again to switch (what Fyne builds afterwards is in the new
// language; a dialog already shown keeps its words).
//
// Only main and ui import this package (internal/layers): the CLI needs no Fyne.
package fynelang

import (
	"encoding/json"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"trustedapp-tester/internal/i18n"
)

// FyneLanguages are the languages Fyne 2.8.1 ships translations for (its
// lang/translations/base.*.json); a test compares them with Fyne's module.
var FyneLanguages = []string{"en", "cs", "de", "el", "es", "fr", "ja", "pl", "pt", "pt-BR", "ru", "sv", "ta", "uk", "zh-Hans"}

// probeKey is a message Use adds in every language, whose text is the language's
// code: it tells which language Fyne's lang now speaks.
const probeKey = "trustedapp.i18n.language"

// Use makes Fyne's own strings speak l's language (English for nil). Call it on the
// UI goroutine, or before the app runs: Fyne's lang is not safe for concurrent
// change.
func Use(l *i18n.Localizer) error {
	english, err := i18n.ReadFile("fyne.en.json")
	if err != nil {
		return err
	}
	msgs := make(map[string]string, len(english)+1)
	for key, e := range english {
		msgs[key] = l.X(key, e.Other)
	}
	msgs[probeKey] = l.Code()
	data, err := json.Marshal(msgs)
	if err != nil {
		return err
	}
	tags := append([]string(nil), FyneLanguages...)
	for _, ours := range i18n.Languages {
		tags = append(tags, ours.Code)
	}
	for _, t := range tags {
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(t)); err != nil {
			return fmt.Errorf("Fyne's strings in %s: %w", t, err)
		}
	}
	if got := Speaks(); got != l.Code() {
		return fmt.Errorf("Fyne's own strings are in %q, not %q: the system's language is one Fyne has but Use did not know (a newer Fyne?)", got, l.Code())
	}
	return nil
}

// Speaks is the code of the language Fyne's own strings are in since the last Use,
// "" before any.
func Speaks() string { return lang.X(probeKey, "") }
