package main

import "trustedapp-tester/report"

// The record checklist in the run's language: report says check's checklist texts in
// a language, for the CLI and the app alike (report/record_lang.go).

// recordIn says one of check's checklist texts in the run's language.
func recordIn(s string) string { return report.RecordIn(lang.Localizer(), s) }

// formNoteIn says one of check's notes on the form's values in the run's language.
func formNoteIn(s string) string { return report.FormNoteIn(lang.Localizer(), s) }

// formSourceIn names where a record from --from-form comes from, in the run's language.
func formSourceIn(s string) string { return report.FormSourceIn(lang.Localizer(), s) }
