// Package translations embeds the program's translation files, once, for the CLI and
// the app alike (internal/i18n reads them; the app hands Fyne's own strings to Fyne's
// lang package from them). It imports nothing, Fyne included, so the CLI can use it.
//
// The files are go-i18n message files in Fyne's JSON form, one per area and
// language, named AREA.LANG.json:
//
//	fyne.*.json    the strings of Fyne's own widgets and dialogs (Fyne ships no
//	               Bulgarian), keyed as Fyne's base.en.json keys them
//	cli.*.json     trustedapp-check's help texts, messages and output
//	report.*.json  the text and Markdown reports, and the engine's words in them
//	guide.bg.json  the guidance catalogue (its English is guide/catalogue.go)
//	app.*.json     the desktop app's screens
//
// An English file holds the English of every key the code uses, as `fyne translate`
// writes it ("key": "text", or {"one": ..., "other": ...} for a plural). A
// translation holds, for each key, the translation and the hash of the English it was
// made from, as go-i18n's translate files do:
//
//	"cli.check.passed": {"hash": "sha1-…", "other": "…"}
//
// internal/i18n's tests fail when a key has no translation, when a translation's hash
// no longer matches its English (the English changed: the translation is stale), or
// when a placeholder of the English is missing from it. README.md, "Languages", says
// how to add or update a translation.
package translations

import "embed"

// Files are the translation files, at the root of the file system.
//
//go:embed *.json
var Files embed.FS
