package report

import (
	"bytes"
	"io"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/safetext"
)

// Findings turns findings made outside a run (the least-privilege advice, an
// explained paste) into the report's findings: evidence scrubbed, each with its
// explanation from guide.
func Findings(fs []check.Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		out = append(out, buildFinding(f))
	}
	return out
}

// WriteExplanationText writes one explanation as the text report shows it under a
// failing step (title, what happened, likely causes, fields to check, fix steps,
// confirm, docs), each line starting with indent.
func WriteExplanationText(w io.Writer, x guide.Explanation, indent string) error {
	var b bytes.Buffer
	writeExplanationText(&b, x, indent, nil)
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}

// WriteExplanationMarkdown writes one explanation as the Markdown report shows it
// under a failing step (outside text escaped, so it cannot inject markup).
func WriteExplanationMarkdown(w io.Writer, x guide.Explanation) error {
	var b bytes.Buffer
	writeExplanationMarkdown(&b, x, nil)
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}

// MarkdownText is outside text escaped for Markdown prose: one line, no markup, no
// live link (the reports' own escaping).
func MarkdownText(s string) string { return mdText(s) }

// MarkdownBlock is outside text as a fenced code block, control characters shown
// as escapes, the fence longer than any backtick run inside.
func MarkdownBlock(s string) string { return fence(safetext.Block(s)) }
