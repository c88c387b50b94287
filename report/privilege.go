package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// adviceHeading heads the section in text and Markdown.
const adviceHeading = "Least privilege"

// adviceNote says what the section is, once.
const adviceNote = "advice on what to narrow; it never fails a check, not even with --strict"

// writeAdviceText writes the "Least privilege" section of the text report: each
// piece of advice and the first step that narrows it.
func writeAdviceText(b *bytes.Buffer, advice []Finding) {
	if len(advice) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s (%s):\n", adviceHeading, adviceNote)
	for _, f := range advice {
		fmt.Fprintf(b, "  - %s\n", line(f.Message))
		if x := f.Explanation; x != nil && len(x.Fields) > 0 {
			var fields []string
			for _, fl := range x.Fields {
				fields = append(fields, line(fieldText(fl)))
			}
			fmt.Fprintf(b, "    Narrow: %s\n", strings.Join(fields, "; "))
		}
	}
}

// writeAdviceMarkdown writes the "Least privilege" section of the Markdown report.
func writeAdviceMarkdown(b *bytes.Buffer, advice []Finding) {
	if len(advice) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\nThis is %s.\n", adviceHeading, adviceNote)
	for _, f := range advice {
		fmt.Fprintf(b, "\n### `%s`\n\n%s\n", f.Code, mdText(f.Message))
		if x := f.Explanation; x != nil {
			writeExplanationMarkdown(b, *x)
		}
	}
}

// WriteAdviceText writes the "Least privilege" section as the text report shows it,
// for outputs other than a run's report (the CLI's record command). Nothing is
// written when there is no advice.
func WriteAdviceText(w io.Writer, advice []Finding) error {
	var b bytes.Buffer
	writeAdviceText(&b, advice)
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}
