package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"trustedapp-tester/internal/i18n"
)

// adviceHeading heads the section in text and Markdown.
func adviceHeading(lang *i18n.Localizer) string {
	return lang.X("report.advice.heading", "Least privilege")
}

// adviceNote says what the section is, once.
func adviceNote(lang *i18n.Localizer) string {
	return lang.X("report.advice.note", "advice on what to narrow; it never fails a check, not even with --strict")
}

// writeAdviceText writes the "Least privilege" section of the text report: each
// piece of advice and the first step that narrows it.
func writeAdviceText(b *bytes.Buffer, advice []Finding, lang *i18n.Localizer) {
	if len(advice) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s (%s):\n", adviceHeading(lang), adviceNote(lang))
	for _, f := range advice {
		fmt.Fprintf(b, "  - %s\n", line(messageIn(lang, f)))
		if x := f.Explanation; x != nil && len(x.Fields) > 0 {
			var fields []string
			for _, fl := range x.Fields {
				fields = append(fields, line(fieldText(fl, lang)))
			}
			fmt.Fprintf(b, "    "+lang.X("report.advice.narrow", "Narrow: %s")+"\n", strings.Join(fields, "; "))
		}
	}
}

// writeAdviceMarkdown writes the "Least privilege" section of the Markdown report.
func writeAdviceMarkdown(b *bytes.Buffer, advice []Finding, lang *i18n.Localizer) {
	if len(advice) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\n"+lang.X("report.advice.md_note", "This is %s.")+"\n", adviceHeading(lang), adviceNote(lang))
	for _, f := range advice {
		fmt.Fprintf(b, "\n### `%s`\n\n%s\n", f.Code, mdText(messageIn(lang, f)))
		if x := f.Explanation; x != nil {
			writeExplanationMarkdown(b, *x, lang)
		}
	}
}

// WriteAdviceText writes the "Least privilege" section as the text report shows it,
// for outputs other than a run's report (the CLI's record command). Nothing is
// written when there is no advice.
func WriteAdviceText(w io.Writer, advice []Finding) error {
	var b bytes.Buffer
	writeAdviceText(&b, advice, nil)
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}
