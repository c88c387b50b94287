package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/safetext"
)

// The record values of a new Trusted App (check.AppSetup) as a support ticket holds
// them: text or JSON, with the secret's hash and never the secret (an AppSetup has no
// field for it).

// WriteSetupText writes the record values as a table.
func WriteSetupText(w io.Writer, s check.AppSetup) error {
	var b bytes.Buffer
	head := "Trusted App record values"
	if s.Profile != "" {
		head += fmt.Sprintf(" for %q", safetext.Line(s.Profile))
	}
	if s.Instance != "" {
		head += " on " + safetext.Line(s.Instance)
	}
	fmt.Fprintf(&b, "%s\n(enter them in Instance Manager -> Security -> Trusted Apps; on the hosted service, send them in a support ticket: they hold the secret's hash, never the secret)\n\n", head)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, v := range s.Values {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Field, safetext.Line(v.Value), v.Note)
	}
	tw.Flush()
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}

// WriteSetupJSON writes the record values as indented JSON (docs/report-format.md).
func WriteSetupJSON(w io.Writer, s check.AppSetup) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}
