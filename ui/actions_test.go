package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// fileWriter opens path for writing the way a file-save dialog hands it over.
func fileWriter(t *testing.T, path string) fyne.URIWriteCloser {
	t.Helper()
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatalf("writer %s: %v", path, err)
	}
	return wc
}

// fileReader opens path the way a file-open dialog hands it over.
func fileReader(t *testing.T, path string) fyne.URIReadCloser {
	t.Helper()
	rc, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatalf("reader %s: %v", path, err)
	}
	return rc
}

// topDialog is the text of the topmost overlay (a dialog), "" when none shows.
func topDialog(u *UI) string {
	o := u.win.Canvas().Overlays().Top()
	if o == nil {
		return ""
	}
	return texts(o)
}

// closeDialogs hides every overlay.
func closeDialogs(u *UI) {
	for o := u.win.Canvas().Overlays().Top(); o != nil; o = u.win.Canvas().Overlays().Top() {
		u.win.Canvas().Overlays().Remove(o)
	}
}

// findEntry finds the first entry under o.
func findEntry(t *testing.T, o fyne.CanvasObject) *widget.Entry {
	t.Helper()
	f := find(o, func(c fyne.CanvasObject) bool { return entryOf(c) != nil })
	if f == nil {
		t.Fatal("no entry")
	}
	return entryOf(f)
}

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

func TestProfileExportImportRoundTrip(t *testing.T) {
	p := acme()
	q := acme()
	q.Name, q.Environment, q.ClientID = "Reports (Test)", profiles.EnvTest, "com.acme/reports"
	e := newEnv(t, Deps{}, p, q)
	u := e.u
	path := filepath.Join(t.TempDir(), "bundle.json")
	u.sidebar.exportTo(fileWriter(t, path), []string{p.Name, q.Name})
	u.Wait()
	if !strings.Contains(u.status.Text, "Exported 2 profile(s) to "+path) || !strings.Contains(u.status.Text, "never exported") {
		t.Errorf("status = %q", u.status.Text)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "com.acme/reports") {
		t.Fatalf("bundle lacks a profile:\n%s", raw)
	}
	if strings.Contains(string(raw), "seed-secret-") {
		t.Fatal("a client secret was exported")
	}

	// Import into a fresh app: both arrive, and the user is told to add secrets.
	f := newEnv(t, Deps{})
	f.u.sidebar.importFrom(fileReader(t, path))
	f.u.Wait()
	if got := len(f.store.List()); got != 2 {
		t.Fatalf("imported %d profiles", got)
	}
	d := topDialog(f.u)
	if !strings.Contains(d, "Imported 2 profile(s)") || !strings.Contains(d, "paste its secret") {
		t.Errorf("dialog = %q", d)
	}
	if f.u.desk.Selected() != "Nightly import" && f.u.desk.Selected() != "Reports (Test)" {
		t.Errorf("selected %q after import", f.u.desk.Selected())
	}
	closeDialogs(f.u)

	// Importing the same bundle again asks what to do with the names that exist.
	again := func(choice string) string {
		t.Helper()
		f.u.sidebar.importFrom(fileReader(t, path))
		f.u.Wait()
		dlg := f.u.win.Canvas().Overlays().Top()
		if d := texts(dlg); !strings.Contains(d, "2 profile(s) in bundle.json have the names of profiles you already have: Nightly import, Reports (Test).") {
			t.Fatalf("conflict dialog = %q", d)
		}
		test.Tap(findButton(t, dlg, choice))
		f.u.Wait()
		d := topDialog(f.u)
		closeDialogs(f.u)
		return d
	}
	if d := again("Skip them"); !strings.Contains(d, "Nothing imported") || !strings.Contains(d, "Skipped (you have profiles with these names): Nightly import, Reports (Test).") || len(f.store.List()) != 2 {
		t.Errorf("skip: %q, %d profiles", d, len(f.store.List()))
	}
	if d := again("Import as copies"); !strings.Contains(d, "Imported as copies: Nightly import → Nightly import (2), Reports (Test) → Reports (Test) (2).") || len(f.store.List()) != 4 {
		t.Errorf("copies: %q, %d profiles", d, len(f.store.List()))
	}
	// Replace: a local edit is overwritten by the bundle's version; the secret stays.
	local, _ := f.store.Get("Nightly import")
	local.Notes = "local edit"
	if err := f.store.Update(local.Name, local); err != nil {
		t.Fatal(err)
	}
	if err := f.secrets.Set("Nightly import", "kept-secret"); err != nil {
		t.Fatal(err)
	}
	if d := again("Replace mine"); !strings.Contains(d, "Replaced: Nightly import, Reports (Test)") || len(f.store.List()) != 4 {
		t.Errorf("replace: %q", d)
	}
	if got, _ := f.store.Get("Nightly import"); got.Notes == "local edit" {
		t.Error("Replace kept the local profile")
	}
	if sec, _ := f.u.desk.Secrets().Get("Nightly import"); sec != "kept-secret" {
		t.Errorf("Replace lost the secret: %q", sec)
	}
}

// A bundle with a new profile, one whose name exists and an invalid one: the new one
// arrives at once, the user decides about the other, the invalid one is named.
func TestProfileImportMixedBundle(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	path := filepath.Join(t.TempDir(), "mixed.json")
	bundle := `{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
		{"name":"Nightly import","instance_url":"https://acme.my.erp.net","client_id":"com.acme/other"},
		{"name":"Price sync","instance_url":"https://acme.my.erp.net","client_id":"com.acme/prices"},
		{"name":"Global","instance_url":"https://id.erp.net","client_id":"x"}]}`
	if err := os.WriteFile(path, []byte(bundle), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	if _, err := e.store.Get("Price sync"); err != nil {
		t.Fatal("the new profile was not imported before the question")
	}
	dlg := u.win.Canvas().Overlays().Top()
	if d := texts(dlg); !strings.Contains(d, "1 new profile(s) were imported. 1 profile(s) in mixed.json have the names of profiles you already have: Nightly import.") {
		t.Fatalf("dialog = %q", d)
	}
	test.Tap(findButton(t, dlg, "Import as copies"))
	u.Wait()
	d := topDialog(u)
	for _, want := range []string{"Imported 1 profile(s): Price sync.", "Imported as copies: Nightly import → Nightly import (2).", "Not imported, invalid: “Global”", "paste its secret"} {
		if !strings.Contains(d, want) {
			t.Errorf("result lacks %q:\n%s", want, d)
		}
	}
	if n := len(e.store.List()); n != 3 {
		t.Errorf("%d profiles after the import", n)
	}
}

func TestProfileImportCorruptFile(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	path := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(path, []byte(`{"profiles": [ {"name": "x", `), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Could not import broken.json") || !strings.Contains(d, "Nothing was changed") {
		t.Fatalf("dialog = %q", d)
	}
	if len(e.store.List()) != 1 {
		t.Fatal("a corrupt import changed the store")
	}
}

func TestProfileExportNothing(t *testing.T) {
	e := newEnv(t, Deps{})
	e.u.sidebar.exportProfiles(nil)
	if d := topDialog(e.u); !strings.Contains(d, "There are no profiles yet") {
		t.Fatalf("dialog = %q", d)
	}
}

func TestDuplicateRenameDelete(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u

	// Duplicate: a copy with the secret (docs/decisions.md: the usual reason to
	// duplicate is trying other settings against the same Trusted App).
	u.run.header.duplicateCurrent()
	u.Wait()
	cp, err := e.store.Get("Nightly import copy")
	if err != nil {
		t.Fatalf("duplicate not stored: %v (status %q)", err, u.status.Text)
	}
	if !cp.SecretSetAt.Equal(fixedNow) || cp.ClientID != acme().ClientID {
		t.Errorf("duplicate = %+v", cp)
	}
	if s, _ := u.desk.Secrets().Get(cp.Name); s != "seed-secret-Nightly import" {
		t.Errorf("the duplicate's secret = %q, want the original's", s)
	}
	if u.desk.Selected() != cp.Name || !strings.Contains(u.status.Text, "Duplicated as “Nightly import copy” with its client secret.") {
		t.Errorf("current %q, status %q", u.desk.Selected(), u.status.Text)
	}
	u.selectProfile("Nightly import")
	u.run.header.duplicateCurrent()
	u.Wait()
	if _, err := e.store.Get("Nightly import copy 2"); err != nil {
		t.Errorf("second duplicate: %v", err)
	}

	// Rename through the dialog: a taken name is refused, a free one moves the secret.
	u.selectProfile("Nightly import")
	u.run.header.renameCurrent()
	dlg := u.win.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("no rename dialog")
	}
	entry := findEntry(t, dlg)
	rename := findButton(t, dlg, "Rename")
	entry.SetText("")
	test.Type(entry, "nightly import copy")
	if err := entry.Validate(); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("taken name: %v", err)
	}
	entry.SetText("")
	test.Type(entry, "Nightly import (Prod)")
	if rename.Disabled() {
		t.Fatal("Rename is disabled for a free name")
	}
	test.Tap(rename)
	u.Wait()
	if _, err := e.store.Get("Nightly import (Prod)"); err != nil {
		t.Fatalf("renamed profile missing: %v", err)
	}
	if _, err := e.store.Get("Nightly import"); err == nil {
		t.Error("the old name is still stored")
	}
	if s, _ := u.desk.Secrets().Get("Nightly import (Prod)"); s != "seed-secret-Nightly import" {
		t.Errorf("secret after rename = %q", s)
	}
	if s, _ := u.desk.Secrets().Get("Nightly import"); s != "" {
		t.Error("the secret stayed under the old name")
	}
	if u.desk.Selected() != "Nightly import (Prod)" {
		t.Errorf("current = %q", u.desk.Selected())
	}

	// Delete asks first; Keep changes nothing, Delete removes profile and secret.
	u.run.header.deleteCurrent()
	dlg = u.win.Canvas().Overlays().Top()
	if d := texts(dlg); !strings.Contains(d, "Delete “Nightly import (Prod)”?") || !strings.Contains(d, "not touched") {
		t.Fatalf("confirm dialog = %q", d)
	}
	test.Tap(findButton(t, dlg, "Keep"))
	u.Wait()
	if _, err := e.store.Get("Nightly import (Prod)"); err != nil {
		t.Fatal("Keep deleted the profile")
	}
	u.run.header.deleteCurrent()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Delete"))
	u.Wait()
	if _, err := e.store.Get("Nightly import (Prod)"); err == nil {
		t.Fatal("Delete kept the profile")
	}
	if s, _ := u.desk.Secrets().Get("Nightly import (Prod)"); s != "" {
		t.Error("Delete kept the secret")
	}
	if !strings.Contains(u.status.Text, "Deleted “Nightly import (Prod)”") || u.desk.Selected() == "Nightly import (Prod)" {
		t.Errorf("status %q, current %q", u.status.Text, u.desk.Selected())
	}
}

// breakStore makes every write to the store at path fail: its folder becomes
// read-only, or for root (who ignores permissions) a file takes the folder's place.
func breakStore(t *testing.T, path string) {
	t.Helper()
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	if os.Geteuid() == 0 {
		_ = os.Chmod(dir, 0o700)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Remove(dir) })
	}
}

// A store that fails on write shows why and what to do.
func TestDuplicateStoreFailureExplained(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	breakStore(t, e.store.Path())
	u.run.header.duplicateCurrent()
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Could not duplicate “Nightly import”") || !strings.Contains(d, "Try again") {
		t.Fatalf("dialog = %q (status %q)", d, u.status.Text)
	}
}

func TestSaveReportMarkdown(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	rep := u.desk.Report("Sandbox: healthy")
	if rep == nil || rep.Access == nil {
		t.Fatalf("no token from the healthy scenario (status %q)", u.status.Text)
	}
	path := filepath.Join(t.TempDir(), "report.md")
	u.run.guidance.saveTo(fileWriter(t, path))
	u.Wait()
	if !strings.Contains(u.status.Text, "Report saved to "+path) {
		t.Errorf("status = %q", u.status.Text)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := string(raw)
	if !strings.Contains(md, "svc-import") || !strings.HasPrefix(strings.TrimSpace(md), "#") {
		t.Errorf("report lacks the System User or is not Markdown:\n%s", md)
	}
	if strings.Contains(md, "sandbox-healthy-secret") {
		t.Fatal("the client secret is in the saved report")
	}
	if tok := rep.Access.Reveal(); tok == "" || strings.Contains(md, tok) {
		t.Fatal("the whole access token is in the saved report")
	}
}

func TestSaveReportWriteFailure(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	wc := fileWriter(t, filepath.Join(t.TempDir(), "r.md"))
	if err := wc.Close(); err != nil {
		t.Fatal(err)
	}
	u.run.guidance.saveTo(wc)
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Could not save the report") || !strings.Contains(d, "Choose another folder") {
		t.Fatalf("dialog = %q", d)
	}
}

// A custom call in the API calls tab uses the run's token against the sandbox and
// shows the response pretty-printed.
func TestCustomCallAgainstSandbox(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	c := u.run.calls
	if !c.send.Disabled() {
		t.Error("Send is enabled before a token exists")
	}
	u.StartRun()
	u.Wait()
	if c.send.Disabled() {
		t.Fatalf("Send disabled after a passing run (status %q)", u.status.Text)
	}
	before := len(c.steps)
	c.method.SetSelected("GET")
	test.Type(c.path, "/api/domain/odata/Crm_Sales_Customers?$top=2")
	test.Tap(c.send)
	u.Wait()
	if len(c.steps) != before+1 {
		t.Fatalf("custom call not listed: %d steps (status %q)", len(c.steps), u.status.Text)
	}
	s := c.steps[len(c.steps)-1]
	if len(s.Exchanges) == 0 || s.Exchanges[len(s.Exchanges)-1].Status != 200 {
		t.Fatalf("custom call step = %+v", s)
	}
	shown := texts(c.detail)
	if !strings.Contains(shown, "RESPONSE BODY") || !strings.Contains(shown, "\n  \"") {
		t.Errorf("response not shown pretty-printed:\n%s", shown)
	}
	if !strings.Contains(shown, "Crm_Sales_Customers") {
		t.Errorf("request line missing:\n%s", shown)
	}

	// An empty path is refused with the fix.
	c.path.SetText("")
	test.Tap(c.send)
	if d := topDialog(u); !strings.Contains(d, "Type the path to call") {
		t.Errorf("dialog = %q", d)
	}
}

// "Keep in profile" adds the custom call after the defaults the profile ran; a second
// time says it is already there; a store that cannot be written says so.
func TestKeepCustomCallInProfile(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	c := u.run.calls
	c.method.SetSelected("PATCH")
	c.path.SetText("/api/domain/odata/Crm_Sales_Customers(1)")
	c.body.SetText(`{"Notes": `)
	test.Tap(c.keep)
	if d := topDialog(u); !strings.Contains(d, "The body is not JSON") || !strings.Contains(d, "fix it or clear it") {
		t.Fatalf("bad body dialog = %q", d)
	}
	closeDialogs(u)
	c.body.SetText(`{"Notes": "kept"}`)
	test.Tap(c.keep)
	u.Wait()
	p, err := e.store.Get("Sandbox: healthy")
	if err != nil {
		t.Fatal(err)
	}
	defs := profiles.DefaultCalls()
	if len(p.Calls) != len(defs)+1 || p.Calls[0].Path != defs[0].Path {
		t.Fatalf("stored calls = %+v", p.Calls)
	}
	last := p.Calls[len(p.Calls)-1]
	if last.Method != "PATCH" || last.Path != "/api/domain/odata/Crm_Sales_Customers(1)" || last.Body != `{"Notes": "kept"}` {
		t.Errorf("kept call = %+v", last)
	}
	if !strings.Contains(u.status.Text, "every test now runs its 4 calls") {
		t.Errorf("status = %q", u.status.Text)
	}
	test.Tap(c.keep)
	u.Wait()
	if !strings.Contains(u.status.Text, "already one of the profile's calls") {
		t.Errorf("second keep: status = %q", u.status.Text)
	}
	// The next run runs it.
	u.StartRun()
	u.Wait()
	if n := len(c.steps); n != 4 || !strings.Contains(c.steps[3].Name, "PATCH") {
		t.Errorf("the next run made %d API steps", n)
	}

	c.path.SetText("/api/domain/odata/Crm_Sales_Customers?$top=1")
	c.method.SetSelected("GET")
	c.body.SetText("")
	breakStore(t, e.store.Path())
	test.Tap(c.keep)
	u.Wait()
	var all string
	for _, o := range u.win.Canvas().Overlays().List() {
		all += texts(o)
	}
	if !strings.Contains(all, "Could not add the call to “Sandbox: healthy”") || !strings.Contains(all, "writable") {
		t.Errorf("unwritable store: %q", all)
	}
}

// A custom call after the token expired asks for a new token first (client
// credentials has no refresh token), then sends the call with it.
func TestCustomCallRenewsAnExpiredToken(t *testing.T) {
	old := healthyReport()
	cl := *old.Claims
	cl.Expires = fixedNow.Add(-3 * time.Minute)
	old.Claims = &cl
	old.Access = check.NewAccessToken("old.token.value-OLD111")
	renewed := healthyReport()
	renewed.Access = check.NewAccessToken("new.token.value-NEW222")

	var runs []check.Options
	reports := []check.Report{old, renewed}
	var used []string
	e := newEnv(t, Deps{
		Run: func(ctx context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
			rep := reports[len(runs)]
			runs = append(runs, o)
			return replayRun(rep)(ctx, p, s, o, on)
		},
		Call: func(_ context.Context, _ profiles.Profile, tok *check.AccessToken, c profiles.APICall, _ check.Options) check.Step {
			used = append(used, tok.Reveal())
			return check.Step{Kind: check.StepAPI, Name: "API " + c.Method + " " + c.Path, Verdict: check.Pass, Summary: "200 OK"}
		},
	}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	if !strings.Contains(u.run.identity.expires.Text, "expired 3 minutes ago") {
		t.Fatalf("expiry shown as %q", u.run.identity.expires.Text)
	}
	c := u.run.calls
	c.path.SetText("/api/domain/currentmodel")
	test.Tap(c.send)
	u.Wait()
	if len(runs) != 2 || !runs[1].Fresh {
		t.Fatalf("runs %d (second fresh: %v)", len(runs), len(runs) == 2 && runs[1].Fresh)
	}
	if len(used) != 1 || used[0] != "new.token.value-NEW222" {
		t.Fatalf("the call used %q, want the renewed token", used)
	}
	if last := c.steps[len(c.steps)-1]; !strings.Contains(last.Name, "/api/domain/currentmodel") {
		t.Errorf("last step %q", last.Name)
	}
	// With a valid token, Send sends at once.
	test.Tap(c.send)
	u.Wait()
	if len(runs) != 2 || len(used) != 2 {
		t.Errorf("a valid token was renewed: %d runs, %d calls", len(runs), len(used))
	}
}

// The import's error paths: a file over the size limit, and a store that cannot be
// written when the user has chosen what to do with the clashing names.
func TestProfileImportFailures(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, make([]byte, profiles.MaxBundleBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, big))
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Could not import big.json") || !strings.Contains(d, "larger than 16 MiB") {
		t.Errorf("big file: %q", d)
	}
	closeDialogs(u)

	path := filepath.Join(t.TempDir(), "clash.json")
	if err := os.WriteFile(path, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[{"name":"Nightly import","instance_url":"https://acme.my.erp.net","client_id":"com.acme/x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	dlg := u.win.Canvas().Overlays().Top()
	breakStore(t, e.store.Path())
	test.Tap(findButton(t, dlg, "Import as copies"))
	u.Wait()
	var all string
	for _, o := range u.win.Canvas().Overlays().List() {
		all += texts(o)
	}
	if !strings.Contains(all, "Could not import the profiles that clash") || !strings.Contains(all, "writable") {
		t.Errorf("unwritable store: %q", all)
	}
}
