package ui

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"trustedapp-tester/audit"
)

// historyEnv is a sandbox env whose runs are logged to a real audit log in a temp dir.
func historyEnv(t *testing.T) (*env, *audit.Log) {
	t.Helper()
	log, err := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return sandboxEnv(t, Deps{History: log}), log
}

func TestHistoryFromRealRuns(t *testing.T) {
	e, _ := historyEnv(t)
	u := e.u
	for _, name := range []string{"Sandbox: healthy", "Sandbox: scope-not-allowed"} {
		u.selectProfile(name)
		u.StartRun()
		u.Wait()
	}
	u.run.tabs.SelectIndex(5) // History: reloads on selection
	u.Wait()
	if u.run.tabs.Selected().Text != "History" {
		t.Fatalf("tab %q", u.run.tabs.Selected().Text)
	}
	h := u.run.history
	all := len(h.entries)
	if all < 4 {
		t.Fatalf("history shows %d entries after two runs (note %q)", all, h.note.Text)
	}
	seen := map[string]bool{}
	for _, en := range h.entries {
		seen[en.Profile] = true
	}
	if !seen["Sandbox: healthy"] || !seen["Sandbox: scope-not-allowed"] {
		t.Fatalf("profiles in the history: %v", seen)
	}
	if !strings.Contains(h.note.Text, "requests logged") {
		t.Errorf("note = %q", h.note.Text)
	}
	// The table shows a token request of the healthy run as a row.
	var row string
	for i, en := range h.entries {
		if en.Profile == "Sandbox: healthy" && strings.Contains(en.Endpoint, "/connect/token") {
			row = historyCell(h.entries[i], 3) + " " + historyCell(h.entries[i], 4)
		}
	}
	if !strings.Contains(row, "POST") || !strings.Contains(row, "200") {
		t.Errorf("token request row = %q", row)
	}

	// Filter by profile. (Choosing in the Select calls OnChanged; calling it directly
	// keeps the test driver's inline fyne.Do from racing the Select's own refresh.)
	h.filter.Selected = "Sandbox: healthy"
	h.filter.OnChanged(h.filter.Selected)
	u.Wait()
	if len(h.entries) == 0 || len(h.entries) >= all {
		t.Fatalf("filtered history has %d of %d entries", len(h.entries), all)
	}
	for _, en := range h.entries {
		if en.Profile != "Sandbox: healthy" {
			t.Fatalf("filter let through %q", en.Profile)
		}
	}

	// Export writes the filtered entries as JSON lines, without secrets.
	path := filepath.Join(t.TempDir(), "history.jsonl")
	h.exportTo(fileWriter(t, path), h.currentFilter())
	u.Wait()
	if !strings.Contains(u.status.Text, "History exported to "+path) {
		t.Errorf("status = %q", u.status.Text)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	n := 0
	for sc.Scan() {
		var en audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &en); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", n+1, err, sc.Text())
		}
		if en.Profile != "Sandbox: healthy" {
			t.Fatalf("exported line for %q", en.Profile)
		}
		n++
	}
	if n != len(h.entries) {
		t.Errorf("exported %d lines, the table shows %d", n, len(h.entries))
	}
	if strings.Contains(string(raw), "sandbox-healthy-secret") {
		t.Fatal("the client secret is in the exported history")
	}
}

// Exporting to a file that cannot be written tells the user what to do.
func TestHistoryExportErrorExplained(t *testing.T) {
	e, _ := historyEnv(t)
	u := e.u
	dir := t.TempDir()
	wc := fileWriter(t, filepath.Join(dir, "h.jsonl"))
	// Close the underlying file first: the export's write then fails for real.
	if err := wc.Close(); err != nil {
		t.Fatal(err)
	}
	u.run.history.exportTo(wc, audit.Filter{})
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Could not export the history") || !strings.Contains(d, "Choose another folder") {
		t.Fatalf("dialog = %q", d)
	}
}

func TestHistoryUnavailable(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	e.u.run.tabs.SelectIndex(5)
	e.u.Wait()
	if got := e.u.run.history.note.Text; got != "The history log is not available in this session." {
		t.Fatalf("note = %q", got)
	}
}
