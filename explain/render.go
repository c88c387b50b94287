package explain

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"trustedapp-tester/report"
)

// WriteText writes the explanation as `trustedapp-check explain` prints it and the
// app copies or saves it: the text as read (redacted), what it was read as, each
// finding with its explanation, or the three most likely checks, then the notes.
func WriteText(w io.Writer, res Result) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "The text%s:\n", removed(res.Redactions))
	for _, line := range strings.Split(res.Text, "\n") {
		fmt.Fprintf(&b, "  | %s\n", line)
	}
	fmt.Fprintf(&b, "\nRead as: %s\n", res.ReadAs)
	if !res.Recognised {
		b.WriteString("\nNot recognised. The three most likely things to check:\n")
		for i, c := range res.Checks {
			fmt.Fprintf(&b, "\n%d. %s\n   %s\n", i+1, c.Title, c.Why)
			for _, f := range c.Fields {
				fmt.Fprintf(&b, "   - %s %s: %s\n", f.Where, f.Name, f.Expect)
			}
		}
	}
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "\n%s %s: %s\n", strings.ToUpper(string(f.Severity)), f.Code, f.Message)
		if f.Explanation != nil {
			report.WriteExplanationText(&b, *f.Explanation, "  ")
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	_, err := w.Write(report.ScrubBytes(b.Bytes()))
	return err
}

// WriteMarkdown writes the explanation for a support ticket: the same parts as
// WriteText, with the pasted text in a code block and everything from outside
// escaped, so the paste cannot add markup or links to the ticket.
func WriteMarkdown(w io.Writer, res Result) error {
	var b bytes.Buffer
	md := report.MarkdownText
	b.WriteString("# An error explained\n\n")
	fmt.Fprintf(&b, "Read as: %s\n\n", md(res.ReadAs))
	fmt.Fprintf(&b, "The text%s:\n\n%s", removed(res.Redactions), report.MarkdownBlock(res.Text))
	if !res.Recognised {
		b.WriteString("\n## Not recognised\n\nThe three most likely things to check:\n")
		for i, c := range res.Checks {
			fmt.Fprintf(&b, "\n%d. **%s**: %s\n", i+1, md(c.Title), md(c.Why))
			for _, f := range c.Fields {
				fmt.Fprintf(&b, "   - %s %s: %s\n", md(f.Where), md(f.Name), md(f.Expect))
			}
		}
	}
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "\n## %s `%s`\n\n%s\n", strings.ToUpper(string(f.Severity)), f.Code, md(f.Message))
		if f.Explanation != nil {
			if err := report.WriteExplanationMarkdown(&b, *f.Explanation); err != nil {
				return err
			}
		}
	}
	if len(res.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range res.Notes {
			fmt.Fprintf(&b, "- %s\n", md(n))
		}
	}
	_, err := w.Write(report.ScrubBytes(b.Bytes()))
	return err
}

// removed says how many credentials were taken out of the text ("" for none).
func removed(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " (1 credential removed)"
	}
	return fmt.Sprintf(" (%d credentials removed)", n)
}
