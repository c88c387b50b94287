package desk

import (
	"bytes"
	"io"
	"strings"

	"fyne.io/fyne/v2"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/report"
)

// The fleet view's table as a file: CSV for a spreadsheet, Markdown for a ticket or a
// wiki page. Profile names, tags and what servers said (System Users, databases,
// versions) are outside text: each cell is one line with control and invisible
// characters shown as escapes, credentials of a recognisable shape redacted, and then
// made inert for the format.

// FleetTable is the fleet view's table as the screen shows it.
type FleetTable struct {
	// Title heads the Markdown file ("Trusted App fleet, 6 Dec 2026 14:30").
	Title string
	// Notes follow the title in the Markdown file (the filters, what the columns mean).
	Notes   []string
	Columns []string
	Rows    [][]string
}

// ExportFleet writes t to wc, the file a save dialog chose, as Markdown or CSV, on a
// goroutine (through WriteFile: readable by its owner only).
func (d *Desk) ExportFleet(wc fyne.URIWriteCloser, t FleetTable, markdown bool, done func(Written)) *Op {
	return d.write(wc, func(w io.Writer) error {
		if markdown {
			return WriteFleetMarkdown(w, t)
		}
		return WriteFleetCSV(w, t)
	}, done)
}

// cell is outside text made safe for any file: one line, escapes for what cannot be
// seen, credentials redacted.
func cell(s string) string { return redact.Text(safetext.Line(s)) }

// formulaStart reports whether a spreadsheet would read s as a formula: OWASP's list of
// first characters (=, +, -, @, tab, carriage return; ASVS 1.2.10 adds NUL), also
// after leading spaces, which some spreadsheets skip.
func formulaStart(s string) bool {
	t := strings.TrimLeft(s, " ")
	return t != "" && strings.ContainsRune("=+-@\t\r\x00", rune(t[0]))
}

// csvField is one CSV field as OWASP's CSV Injection page advises: a value a
// spreadsheet would take for a formula gets a leading single quote (shown as text,
// never run), and every field is quoted with its quotes doubled (RFC 4180), so a
// separator or a quote inside a value cannot start a new cell.
func csvField(s string) string {
	if formulaStart(s) {
		s = "'" + s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// WriteFleetCSV writes t as CSV: a header row, then a row per profile; comma-separated,
// every field quoted, CRLF line ends (RFC 4180), UTF-8 with a byte-order mark so that
// Excel reads accents and Cyrillic right. Cells are guarded against formula injection
// (csvField).
func WriteFleetCSV(w io.Writer, t FleetTable) error {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(csvField(cell(c)))
		}
		b.WriteString("\r\n")
	}
	line(t.Columns)
	for _, r := range t.Rows {
		line(r)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteFleetMarkdown writes t as a Markdown (GFM) table under its title and notes,
// every cell escaped so that outside text cannot add markup, a link or a column.
func WriteFleetMarkdown(w io.Writer, t FleetTable) error {
	var b bytes.Buffer
	if t.Title != "" {
		b.WriteString("# " + report.MarkdownText(cell(t.Title)) + "\n\n")
	}
	for _, n := range t.Notes {
		b.WriteString(report.MarkdownText(cell(n)) + "\n\n")
	}
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + report.MarkdownText(cell(c)) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Columns)
	b.WriteString("|" + strings.Repeat(" --- |", len(t.Columns)) + "\n")
	for _, r := range t.Rows {
		row(r)
	}
	_, err := w.Write(report.ScrubBytes(b.Bytes()))
	return err
}
