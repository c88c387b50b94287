package explain

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/report"
)

// WriteText writes the explanation as `trustedapp-check explain` prints it and the
// app copies or saves it: the text as read (redacted), what it was read as, each
// finding with its explanation, or the three most likely checks, then the notes.
func WriteText(w io.Writer, res Result) error { return WriteTextIn(nil, w, res) }

// WriteTextIn is WriteText in lang (lang.go).
func WriteTextIn(lang *i18n.Localizer, w io.Writer, res Result) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, lang.X("explain.text", "The text%s:")+"\n", removed(lang, res.Redactions))
	for _, line := range strings.Split(res.Text, "\n") {
		fmt.Fprintf(&b, "  | %s\n", line)
	}
	fmt.Fprintf(&b, "\n"+lang.X("explain.read_as", "Read as: %s")+"\n", readAsIn(lang, res.ReadAs))
	if !res.Recognised {
		b.WriteString("\n" + lang.X("explain.not_recognised", "Not recognised. The three most likely things to check:") + "\n")
		for i, c := range checksIn(lang, res.Checks) {
			fmt.Fprintf(&b, "\n%d. %s\n   %s\n", i+1, c.Title, c.Why)
			for _, f := range c.Fields {
				fmt.Fprintf(&b, "   - %s %s: %s\n", f.Where, f.Name, f.Expect)
			}
		}
	}
	for _, f := range res.Findings {
		msg, x := report.MessageIn(lang, f)
		fmt.Fprintf(&b, "\n%s %s: %s\n", severityIn(lang, string(f.Severity)), f.Code, msg)
		if f.Explanation != nil {
			report.WriteExplanationTextIn(lang, &b, x, "  ")
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "\n"+lang.X("explain.note", "Note: %s")+"\n", noteIn(lang, n))
	}
	_, err := w.Write(report.ScrubBytes(b.Bytes()))
	return err
}

// WriteMarkdown writes the explanation for a support ticket: the same parts as
// WriteText, with the pasted text in a code block and everything from outside
// escaped, so the paste cannot add markup or links to the ticket.
func WriteMarkdown(w io.Writer, res Result) error { return WriteMarkdownIn(nil, w, res) }

// WriteMarkdownIn is WriteMarkdown in lang.
func WriteMarkdownIn(lang *i18n.Localizer, w io.Writer, res Result) error {
	var b bytes.Buffer
	md := report.MarkdownText
	b.WriteString("# " + lang.X("explain.md.title", "An error explained") + "\n\n")
	fmt.Fprintf(&b, lang.X("explain.read_as", "Read as: %s")+"\n\n", md(readAsIn(lang, res.ReadAs)))
	fmt.Fprintf(&b, lang.X("explain.text", "The text%s:")+"\n\n%s", removed(lang, res.Redactions), report.MarkdownBlock(res.Text))
	if !res.Recognised {
		b.WriteString("\n## " + lang.X("explain.md.not_recognised", "Not recognised") + "\n\n" + lang.X("explain.md.three_checks", "The three most likely things to check:") + "\n")
		for i, c := range checksIn(lang, res.Checks) {
			fmt.Fprintf(&b, "\n%d. **%s**: %s\n", i+1, md(c.Title), md(c.Why))
			for _, f := range c.Fields {
				fmt.Fprintf(&b, "   - %s %s: %s\n", md(f.Where), md(f.Name), md(f.Expect))
			}
		}
	}
	for _, f := range res.Findings {
		msg, x := report.MessageIn(lang, f)
		fmt.Fprintf(&b, "\n## %s `%s`\n\n%s\n", severityIn(lang, string(f.Severity)), f.Code, md(msg))
		if f.Explanation != nil {
			if err := report.WriteExplanationMarkdownIn(lang, &b, x); err != nil {
				return err
			}
		}
	}
	if len(res.Notes) > 0 {
		b.WriteString("\n## " + lang.X("explain.md.notes", "Notes") + "\n\n")
		for _, n := range res.Notes {
			fmt.Fprintf(&b, "- %s\n", md(noteIn(lang, n)))
		}
	}
	_, err := w.Write(report.ScrubBytes(b.Bytes()))
	return err
}

// removed says how many credentials were taken out of the text ("" for none).
func removed(lang *i18n.Localizer, n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(lang.XN("explain.removed", " (%d credentials removed)", n), n)
}

// severityIn is a finding's severity as the explanation heads it (FAIL, WARN, INFO).
func severityIn(lang *i18n.Localizer, s string) string {
	switch s {
	case "fail":
		return lang.X("report.severity.fail", "FAIL")
	case "warn":
		return lang.X("report.severity.warn", "WARN")
	case "info":
		return lang.X("report.severity.info", "INFO")
	}
	return strings.ToUpper(s)
}
