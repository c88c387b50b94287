package desk

import (
	"bytes"
	"io"

	"fyne.io/fyne/v2"

	"trustedapp-tester/explain"
)

// "Explain an error…": support staff paste what a customer's log holds (an OAuth error
// body, a WWW-Authenticate header, an OData error, a licence or rate-limit message, an
// HTTP status line, a .NET exception) and get the explanation a live check would give.
// The text is redacted first (explain.Text): only the redacted text is kept, shown,
// copied or saved, and nothing of it goes to the history log. Nothing is sent anywhere.

// Explained is the explanation of a pasted text.
type Explained struct {
	Op     OpID
	Result explain.Result
	// Redacted is the whole pasted text with every credential removed (the screen puts
	// it in place of what was pasted); Result.Text is the part shown, made safe.
	Redacted string
}

// ExplainText explains pasted on a goroutine (a long log takes a few milliseconds) and
// gives done the result. began, when not nil, hears of the operation before any work
// starts. The pasted text is not kept.
func (d *Desk) ExplainText(pasted string, began func(*Op), done func(Explained)) *Op {
	op := d.startOp("")
	if began != nil {
		began(op)
	}
	d.background(func() {
		// explain.Text cuts the text itself, and says so (Result.Truncated).
		res := explain.Text(pasted)
		finish(op, done, Explained{Op: op.ID, Result: res, Redacted: res.Redacted})
	})
	return op
}

// ExplanationText is the explanation as text (markdown false, as `trustedapp-check
// explain` prints it) or Markdown, for the clipboard or a support ticket. It holds the
// redacted text only.
func ExplanationText(res explain.Result, markdown bool) []byte {
	var b bytes.Buffer
	if markdown {
		explain.WriteMarkdown(&b, res)
	} else {
		explain.WriteText(&b, res)
	}
	return b.Bytes()
}

// SaveExplanation writes the explanation (text, or Markdown) to wc, the file a save
// dialog chose.
func (d *Desk) SaveExplanation(wc fyne.URIWriteCloser, res explain.Result, markdown bool, done func(Written)) *Op {
	return d.write(wc, func(w io.Writer) error {
		_, err := w.Write(ExplanationTextIn(d.Language(), res, markdown))
		return err
	}, done)
}
