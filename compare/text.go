package compare

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"trustedapp-tester/internal/safetext"
)

// WriteText writes the comparison as `trustedapp-check diff` prints it and the app
// copies it: the two sides, the differences, then the identical rows folded into one
// line (or listed, with all), and a note when a side's record was not read.
func WriteText(w io.Writer, c Comparison, all bool) error {
	var b bytes.Buffer
	writeText(&b, c, all)
	_, err := w.Write(b.Bytes())
	return err
}

func writeText(b *bytes.Buffer, c Comparison, all bool) {
	fmt.Fprintf(b, "A: %s: %s\n", safetext.Line(c.A.Label), strings.ToUpper(string(c.A.Verdict)))
	fmt.Fprintf(b, "B: %s: %s\n", safetext.Line(c.B.Label), strings.ToUpper(string(c.B.Verdict)))
	same := len(c.Rows) - c.Differences
	table := func(rows []Row) { writeRows(b, "FIELD", rows) }
	switch c.Differences {
	case 0:
		b.WriteString("\nNo differences.\n")
	case 1:
		b.WriteString("\n1 difference:\n")
	default:
		fmt.Fprintf(b, "\n%d differences:\n", c.Differences)
	}
	if c.Differences > 0 {
		table(c.Rows[:c.Differences])
	}
	switch {
	case same == 0:
	case all:
		fmt.Fprintf(b, "\n%d identical:\n", same)
		table(c.Rows[c.Differences:])
	default:
		fmt.Fprintf(b, "\n%d identical rows folded (--all shows them).\n", same)
	}
	if !c.A.RecordRead || !c.B.RecordRead {
		b.WriteString("\nThe Trusted App record was not read for ")
		switch {
		case !c.A.RecordRead && !c.B.RecordRead:
			b.WriteString("either side")
		case !c.A.RecordRead:
			b.WriteString("A")
		default:
			b.WriteString("B")
		}
		b.WriteString(": a run from History keeps the record only when it was read in that run, and a System User may be barred from reading Trusted Apps.\n")
	}
}

// writeRows writes rows as a table under the heads "", field, A and B.
func writeRows(b *bytes.Buffer, field string, rows []Row) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  \t%s\tA\tB\n", field)
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.Group, safetext.Line(r.Field), safetext.Line(r.A), safetext.Line(r.B))
	}
	tw.Flush()
}
