package desk

import (
	"bytes"
	"sync/atomic"

	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/explain"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

// The language of what the desk words for the screens and writes for the user: the
// guide's explanations, the saved and copied reports, explanations and comparisons.
// The engine, History and JSON stay English (docs/decisions.md).

// deskLang is a Desk's language (nil: English).
type deskLang struct {
	cur atomic.Pointer[i18n.Localizer]
}

// SetLanguage makes the desk's explanations and the files it writes speak l's
// language (nil: English). Safe to call while operations run: each reads it once.
func (d *Desk) SetLanguage(l *i18n.Localizer) { d.lang.cur.Store(l) }

// Language is the desk's language (nil: English).
func (d *Desk) Language() *i18n.Localizer { return d.lang.cur.Load() }

// MarkdownIn is Markdown in lang: the report's explanations and words in it.
func MarkdownIn(lang *i18n.Localizer, p profiles.Profile, r check.Report) ([]byte, error) {
	var buf bytes.Buffer
	doc := report.Build(r, p)
	doc.Localize(lang)
	err := report.WriteMarkdown(&buf, doc)
	return buf.Bytes(), err
}

// ExplanationTextIn is ExplanationText in lang.
func ExplanationTextIn(lang *i18n.Localizer, res explain.Result, markdown bool) []byte {
	var b bytes.Buffer
	if markdown {
		explain.WriteMarkdownIn(lang, &b, res)
	} else {
		explain.WriteTextIn(lang, &b, res)
	}
	return b.Bytes()
}

// ComparisonTextIn is ComparisonText in lang.
func ComparisonTextIn(lang *i18n.Localizer, c compare.Comparison) []byte {
	var b bytes.Buffer
	compare.WriteTextIn(lang, &b, c, true)
	return b.Bytes()
}

// explainIn is the guide's explanation of a finding in the desk's language, or what
// the Deps' Explain says when it was given one (tests).
func (d *Desk) explainIn(code string, evidence map[string]string) guide.Explanation {
	if d.ownExplain {
		return d.deps.Explain(code, evidence)
	}
	if l := d.Language(); l != nil {
		return guide.ExplainIn(l, code, evidence)
	}
	return guide.Explain(code, evidence)
}
