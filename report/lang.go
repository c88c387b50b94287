package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/redact"
)

// Reports in the reader's language. A document is built in English (Build) and
// speaks another language once Localize is called: its explanations (the JSON's too)
// come from guide in that language, and WriteText and WriteMarkdown say their own
// words and the engine's (engine.go) in it. Finding codes, JSON keys and values,
// JUnit names, field names and evidence stay as they are.

// Localize makes the document speak lang's language: its findings' and advice's
// explanations are made again in it (from their codes and scrubbed evidence), and
// WriteText and WriteMarkdown use it. nil is English.
func (d *Document) Localize(lang *i18n.Localizer) {
	d.lang = lang
	for i := range d.Steps {
		for j := range d.Steps[i].Findings {
			explainIn(lang, &d.Steps[i].Findings[j])
		}
	}
	for i := range d.LeastPrivilege {
		explainIn(lang, &d.LeastPrivilege[i])
	}
	if len(d.MoveToClientCredentials) > 0 {
		d.MoveToClientCredentials = migrationIn(lang, d.migrationUser())
	}
	if d.known != nil && !d.known.Empty() {
		redact.Strings(d, d.known.Replace)
	}
}

// Lang is the language the document speaks (nil for English).
func (d Document) Lang() *i18n.Localizer { return d.lang }

func explainIn(lang *i18n.Localizer, f *Finding) {
	x := guide.ExplainIn(lang, f.Code, f.Evidence)
	f.Explanation = &x
}

// FindingsIn is Findings with the explanations in lang.
func FindingsIn(lang *i18n.Localizer, fs []check.Finding) []Finding {
	out := Findings(fs)
	for i := range out {
		explainIn(lang, &out[i])
	}
	return out
}

// WriteAdviceTextIn is WriteAdviceText in lang.
func WriteAdviceTextIn(lang *i18n.Localizer, w io.Writer, advice []Finding) error {
	var b bytes.Buffer
	writeAdviceText(&b, advice, lang)
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}

// WriteExplanationTextIn is WriteExplanationText in lang (the explanation itself
// comes from guide.ExplainIn in the same language).
func WriteExplanationTextIn(lang *i18n.Localizer, w io.Writer, x guide.Explanation, indent string) error {
	var b bytes.Buffer
	writeExplanationText(&b, x, indent, lang)
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}

// WriteExplanationMarkdownIn is WriteExplanationMarkdown in lang.
func WriteExplanationMarkdownIn(lang *i18n.Localizer, w io.Writer, x guide.Explanation) error {
	var b bytes.Buffer
	writeExplanationMarkdown(&b, x, lang)
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}

// markIn is a verdict as the text report marks it (PASS, FAIL, ...), in lang.
func markIn(lang *i18n.Localizer, v check.Verdict) string {
	switch v {
	case check.Pass:
		return lang.X("report.mark.pass", "PASS")
	case check.Warn:
		return lang.X("report.mark.warn", "WARN")
	case check.Fail:
		return lang.X("report.mark.fail", "FAIL")
	case check.Skipped:
		return lang.X("report.mark.skip", "SKIP")
	}
	return strings.ToUpper(string(v))
}

// markWidth is the width of the widest mark in lang, so the steps' names line up.
func markWidth(lang *i18n.Localizer) int {
	w := 0
	for _, v := range []check.Verdict{check.Pass, check.Warn, check.Fail, check.Skipped} {
		w = max(w, i18n.Width(markIn(lang, v)))
	}
	return w
}

// severityIn is a finding's severity as the reports head it (FAIL, WARN, INFO), in
// lang.
func severityIn(lang *i18n.Localizer, s check.Severity) string {
	switch s {
	case check.SevFail:
		return lang.X("report.severity.fail", "FAIL")
	case check.SevWarn:
		return lang.X("report.severity.warn", "WARN")
	case check.SevInfo:
		return lang.X("report.severity.info", "INFO")
	}
	return strings.ToUpper(string(s))
}

// msIn says a duration in milliseconds the way the reports do ("850 ms", "12.5 s"),
// in lang, with lang's decimal separator.
func msIn(lang *i18n.Localizer, d int64) string {
	if d >= 10000 {
		return fmt.Sprintf(lang.X("report.seconds", "%s s"), decimal(lang, float64(d)/1000))
	}
	return fmt.Sprintf(lang.X("report.milliseconds", "%d ms"), d)
}

// decimal is f with one decimal, written as lang writes numbers ("12.5", "12,5").
func decimal(lang *i18n.Localizer, f float64) string {
	if english(lang) {
		return fmt.Sprintf("%.1f", f)
	}
	return message.NewPrinter(language.Make(lang.Code())).Sprintf("%.1f", f)
}

// labels pads a block's labels ("Acts as:", "Database:") to one width, so the values
// after them line up in any language.
type labels map[string]string

func newLabels(texts ...string) labels {
	w := 0
	for _, t := range texts {
		w = max(w, i18n.Width(t))
	}
	l := labels{}
	for _, t := range texts {
		l[t] = i18n.Pad(t, w+1)
	}
	return l
}

// MessageIn is a finding's message in lang (check's own in English, else its
// explanation's title), with its explanation made in lang first.
func MessageIn(lang *i18n.Localizer, f Finding) (string, guide.Explanation) {
	explainIn(lang, &f)
	return messageIn(lang, f), *f.Explanation
}
