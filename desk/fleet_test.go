package desk

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// fleetDesk is a desk running the real engine with a real history log, its profiles
// on ERP.net look-alikes: perHost profiles on each of hosts instances, named
// "hHH-pPP", each with its instance's secret in the mock keychain.
func fleetDesk(t *testing.T, hosts, perHost int) (*Desk, *view, *audit.Log, []*hostile.Instance) {
	t.Helper()
	log, err := audit.Open(filepath.Join(testdir.New(t), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var ins []*hostile.Instance
	var seed []profiles.Profile
	for h := 0; h < hosts; h++ {
		in := hostile.New(t, fmt.Sprintf("secret-of-host-%d", h))
		ins = append(ins, in)
		for i := 0; i < perHost; i++ {
			seed = append(seed, profiles.Profile{Name: fmt.Sprintf("h%02d-p%02d", h, i), InstanceURL: in.URL, ClientID: hostile.ClientID,
				AuthMethod: profiles.AuthPost, TimeoutSeconds: 10,
				Calls: []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=5"}}})
		}
	}
	d, v := newDesk(t, Deps{History: log, Now: time.Now, Options: check.Options{Cache: check.NewTokenCache()}}, seed...)
	for h, in := range ins {
		for i := 0; i < perHost; i++ {
			if err := d.deps.Secrets.Set(fmt.Sprintf("h%02d-p%02d", h, i), in.Secret); err != nil {
				t.Fatal(err)
			}
		}
	}
	return d, v, log, ins
}

// testFleet runs a fleet test of names and waits for its end, keeping every progress.
func testFleet(t *testing.T, d *Desk, names []string, o FleetOptions) (FleetTested, []FleetProgress) {
	t.Helper()
	got := make(chan FleetTested, 1)
	var progress []FleetProgress
	var began *Op
	op := d.TestFleet(names, o, func(o *Op) { began = o }, func(p FleetProgress) { progress = append(progress, p) }, func(r FleetTested) { got <- r })
	if op == nil || began != op {
		t.Fatalf("TestFleet answered %v, began heard %v", op, began)
	}
	res := await(t, got)
	settle(d)
	if res.Op != op.ID || d.InFlight(op.ID) || d.FleetTesting() != nil {
		t.Errorf("result of op %d, op %d in flight %v, testing %v", res.Op, op.ID, d.InFlight(op.ID), d.FleetTesting())
	}
	return res, progress
}

func rowOfFleet(t *testing.T, d *Desk, name string) FleetRow {
	t.Helper()
	for _, r := range d.FleetRows() {
		if r.Profile.Name == name {
			return r
		}
	}
	t.Fatalf("no row %q", name)
	return FleetRow{}
}

func names(d *Desk) []string {
	var out []string
	for _, p := range d.Profiles() {
		out = append(out, p.Name)
	}
	return out
}

// A fleet test checks every profile by check --all's rules (never two requests to one
// host at once, one session per Trusted App), keeps each run in History, reports
// progress through the UI goroutine and files each run as its profile's last run,
// except the selected profile's, which waits until it is selected again: the run view
// shown never changes under the user.
func TestFleetTestsEveryProfile(t *testing.T) {
	d, v, log, ins := fleetDesk(t, 3, 4)
	selected := d.Selected()
	before := d.RunOf(selected)
	res, progress := testFleet(t, d, names(d), FleetOptions{Parallel: 4})
	if res.Total != 12 || res.Passed != 12 || res.Failed+res.Warned+res.NotTested != 0 || res.Cancelled || res.HistoryErr != nil {
		t.Fatalf("tested %+v", res)
	}
	for _, in := range ins {
		if in.MaxInFlight() != 1 {
			t.Errorf("%s served %d requests at once", in.URL, in.MaxInFlight())
		}
	}
	// Progress: every profile changed (queued -> testing -> tested), the last says all
	// finished, and there were fewer hops than events (results batched per hop or not,
	// never more than one progress per event).
	seen := map[string]int{}
	for _, p := range progress {
		for _, n := range p.Changed {
			seen[n]++
		}
	}
	last := progress[len(progress)-1]
	if len(seen) != 12 || last.Finished != 12 || last.Testing != 0 || len(progress) > 24 {
		t.Errorf("%d progress reports, %d profiles seen, last %+v", len(progress), len(seen), last)
	}
	// One session per Trusted App: every profile of a host shares hostile.ClientID, so
	// one profile per host made its calls.
	withCalls := 0
	for _, r := range d.FleetRows() {
		if r.Last == nil || r.Last.Verdict != check.Pass || r.State != FleetIdle || r.Problem != "" {
			t.Errorf("row %+v", r)
		}
		if r.Last != nil && r.Last.Session == check.SessionOpened || r.Last.Session == check.SessionReused {
			withCalls++
		}
	}
	if withCalls != 3 {
		t.Errorf("%d profiles made API calls, want one per Trusted App (3)", withCalls)
	}
	// History has every run, with the summaries the rows show.
	latest, err := log.LatestRuns()
	if err != nil || len(latest) != 12 {
		t.Fatalf("History has %d profiles' runs (%v)", len(latest), err)
	}
	if r := rowOfFleet(t, d, "h01-p02"); latest["h01-p02"].Newest.ID != r.Last.ID {
		t.Errorf("History's newest %s, the row's %s", latest["h01-p02"].Newest.ID, r.Last.ID)
	}
	// The other profiles' runs are their last runs; the selected profile's run view
	// heard nothing and keeps its run until the profile is selected again.
	if r := d.RunOf("h02-p03"); r == nil || r.Report.Verdict != check.Pass || r.Access() == nil || !r.Done {
		t.Errorf("h02-p03's last run: %+v", r)
	}
	if d.RunOf(selected) != before || len(v.started)+len(v.finished) != 0 {
		t.Errorf("the selected profile's run changed (%v, was %v); the view heard %d starts, %d ends", d.RunOf(selected), before, len(v.started), len(v.finished))
	}
	d.Select("h02-p03")
	d.Select(selected)
	if r := d.RunOf(selected); r == nil || r.Report.Verdict != check.Pass {
		t.Errorf("after selecting it again, %s's last run is %+v", selected, r)
	}
	// A second fleet test cannot start while one runs, and an empty one never starts.
	if d.TestFleet(nil, FleetOptions{}, nil, nil, nil) != nil {
		t.Error("an empty fleet test started")
	}
}

// Production profiles are tested up to their token only when asked (no API call: no
// session, no licence slot); the others, and Production when not asked, run in full.
func TestFleetTokenOnlyForProduction(t *testing.T) {
	d, _, _, _ := fleetDesk(t, 2, 1)
	prod := d.Profiles()[0]
	prod.Environment = profiles.EnvProduction
	if err := d.deps.Store.Update(prod.Name, prod); err != nil {
		t.Fatal(err)
	}
	d.Reload("", nil)
	settle(d)
	calls := func(name string) int {
		n := 0
		for _, s := range d.RunOf(name).Report.Steps {
			if s.Kind == check.StepAPI && s.Verdict != check.Skipped {
				n++
			}
		}
		return n
	}
	d.Select("") // no run view: every run is filed at once
	testFleet(t, d, names(d), FleetOptions{TokenOnlyProduction: true})
	if calls("h00-p00") != 0 || calls("h01-p00") == 0 || rowOfFleet(t, d, "h00-p00").Last.Session != check.SessionNone {
		t.Errorf("token only: production made %d calls (session %q), test %d", calls("h00-p00"), rowOfFleet(t, d, "h00-p00").Last.Session, calls("h01-p00"))
	}
	testFleet(t, d, names(d), FleetOptions{})
	if calls("h00-p00") == 0 {
		t.Error("without token only, production made no calls")
	}
}

// A profile without a secret is not tested and says why; the others are.
func TestFleetWithoutASecret(t *testing.T) {
	d, _, _, _ := fleetDesk(t, 1, 2)
	if err := d.deps.Secrets.Delete("h00-p01"); err != nil {
		t.Fatal(err)
	}
	res, _ := testFleet(t, d, names(d), FleetOptions{})
	if res.Passed != 1 || res.NotTested != 1 {
		t.Errorf("tested %+v", res)
	}
	if r := rowOfFleet(t, d, "h00-p01"); r.Problem != FleetNoSecret(nil) || r.Last != nil || r.State != FleetIdle {
		t.Errorf("row without a secret: %+v", r)
	}
}

// Cancelling ends the tests in flight as cancelled and leaves the others untested,
// each saying so; nothing is left queued.
func TestFleetCancel(t *testing.T) {
	d, _, _, ins := fleetDesk(t, 2, 3)
	for _, in := range ins {
		in.Ver = func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() } // stalls every test
	}
	got := make(chan FleetTested, 1)
	testing := make(chan bool, 1)
	op := d.TestFleet(names(d), FleetOptions{Parallel: 2}, nil, func(p FleetProgress) {
		if p.Testing == 2 {
			select {
			case testing <- true:
			default:
			}
		}
	}, func(r FleetTested) { got <- r })
	await(t, testing)
	op.Cancel()
	res := await(t, got)
	settle(d)
	if !res.Cancelled || res.NotTested != 6 || res.Passed+res.Failed+res.Warned != 0 {
		t.Errorf("cancelled: %+v", res)
	}
	var cancelled, notTurn int
	for _, r := range d.FleetRows() {
		switch {
		case r.State != FleetIdle:
			t.Errorf("%s left %v", r.Profile.Name, r.State)
		case r.Problem == FleetCancelledRun(nil):
			cancelled++
		case r.Problem == FleetCancelledTurn(nil):
			notTurn++
		}
	}
	if cancelled != 2 || notTurn != 4 {
		t.Errorf("%d cancelled during their test, %d before their turn", cancelled, notTurn)
	}
}

// The fleet view reads each profile's newest run and last pass from History (also
// those of other processes) with the drift between them: a Trusted App whose granted
// scopes shrank is marked, one that did not change is not.
func TestReadFleetDrift(t *testing.T) {
	d, _, log, ins := fleetDesk(t, 2, 1)
	d.Select("")
	testFleet(t, d, names(d), FleetOptions{})
	ins[0].AppScope = []string{"read"}           // the Trusted App's Scope field lost update
	d.deps.Options.Cache = check.NewTokenCache() // its token expired meanwhile
	testFleet(t, d, names(d), FleetOptions{})
	r := rowOfFleet(t, d, "h00-p00")
	if !r.Drift.Baseline || !r.Drift.Has(compare.DriftScopesGranted) || rowOfFleet(t, d, "h01-p00").Drift.Changed() {
		t.Fatalf("drift after the second test: %+v / %+v", r.Drift, rowOfFleet(t, d, "h01-p00").Drift)
	}
	// A new window reads the same from History.
	d2, _ := newDesk(t, Deps{History: log, Now: time.Now}, d.Profiles()...)
	got := make(chan FleetRead, 1)
	if d2.ReadFleet(nil, func(r FleetRead) { got <- r }) == nil {
		t.Fatal("ReadFleet did not start")
	}
	read := await(t, got)
	settle(d2)
	if read.Err != nil || read.Runs != 2 {
		t.Fatalf("read %+v", read)
	}
	r2 := rowOfFleet(t, d2, "h00-p00")
	if r2.Last == nil || r2.Last.ID != r.Last.ID || len(r2.Drift.Changes) != len(r.Drift.Changes) || !r2.Drift.Has(compare.DriftScopesGranted) {
		t.Errorf("read from History: %+v, drift %+v", r2.Last, r2.Drift)
	}
	if c := r2.Drift.Changes[0]; c.Was != "read update" || c.Now != "read" {
		t.Errorf("change %+v", c)
	}
	// Without runs in History there is nothing to read.
	d3, _ := newDesk(t, Deps{History: requestsOnly{}})
	if d3.ReadFleet(nil, nil) != nil || d3.FleetHistoryAvailable() {
		t.Error("ReadFleet started without a runs history")
	}
}

// A fleet run keeps the start of a long body only, cut at a character's start and
// marked truncated.
func TestKeepBodies(t *testing.T) {
	long := strings.Repeat("é", 40) // 80 bytes
	rep := check.Report{Steps: []check.Step{{Exchanges: []check.Exchange{{ResponseBody: long}, {ResponseBody: "short"}}}}}
	keepBodies(&rep, 21)
	x := rep.Steps[0].Exchanges
	if x[0].ResponseBody != strings.Repeat("é", 10) || !x[0].Truncated || x[1].ResponseBody != "short" || x[1].Truncated {
		t.Errorf("kept %q (%v), %q (%v)", x[0].ResponseBody, x[0].Truncated, x[1].ResponseBody, x[1].Truncated)
	}
}

// The app's Import takes the CSV file `profiles import --csv` takes, through the same
// review; the profiles it brings need secrets, which are then set one by one.
func TestImportCSVAndSetSecrets(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	csv := "\ufeffname;instance;client_id;scopes;env;tags\r\n" +
		"Acme prod;https://acme.my.erp.net;com.acme/sync;read;Production;acme, eu\r\n" +
		"Beta test;http://beta.example:8080;com.beta/sync;read update;Test;\r\n"
	path := filepath.Join(testdir.New(t), "instances.csv")
	writeTestFile(t, path, csv)
	got := make(chan ImportFile, 1)
	d.ReadImport(openForImport(t, path), func(f ImportFile) { got <- f })
	f := await(t, got)
	if f.Err != nil || !f.CSV || len(f.Review) != 1 || f.Review[0].Name != "Beta test" {
		t.Fatalf("read %+v", f) // plain http is a setting to review
	}
	imp := make(chan Imported, 1)
	d.Import(f.Data, nil, func(r Imported) { imp <- r })
	res := await(t, imp)
	settle(d)
	if res.Err != nil || !slices.Equal(res.Result.Added, []string{"Acme prod", "Beta test"}) {
		t.Fatalf("imported %+v", res)
	}
	d.Reload("", nil)
	settle(d)
	if p, _ := d.Find("Acme prod"); p.Environment != "Production" || !p.HasTag("eu") {
		t.Errorf("imported %+v", p)
	}
	need := func() NeedSecrets {
		ch := make(chan NeedSecrets, 1)
		d.NeedSecrets([]string{"Acme prod", "Beta test"}, func(n NeedSecrets) { ch <- n })
		return await(t, ch)
	}
	if n := need(); !slices.Equal(n.Names, []string{"Acme prod", "Beta test"}) || n.Unknown {
		t.Fatalf("need secrets %+v", n)
	}
	set := func(name, secret string) error {
		ch := make(chan error, 1)
		d.SetSecret(name, secret, func(err error) { ch <- err })
		return await(t, ch)
	}
	if err := set("Acme prod", "s3cret"); err != nil {
		t.Fatal(err)
	}
	if n := need(); !slices.Equal(n.Names, []string{"Beta test"}) {
		t.Errorf("after setting one: %+v", n)
	}
	if err := set("Gone", "s3cret"); err == nil {
		t.Error("a secret was set for a profile that does not exist")
	}
	d.Reload("", nil)
	settle(d)
	if p, _ := d.Find("Acme prod"); p.SecretSetAt.IsZero() {
		t.Error("the date the secret was set was not kept")
	}
	// A file that is neither a bundle nor a CSV file of profiles says what is wrong.
	writeTestFile(t, path, "just some text\n")
	d.ReadImport(openForImport(t, path), func(f ImportFile) { got <- f })
	if f := await(t, got); f.Err == nil || !f.CSV || !strings.Contains(f.Err.Error(), "column") {
		t.Errorf("a file of text: %+v", f)
	}
	if csvData([]byte("\ufeff  {\"profiles\":[]}")) || csvData([]byte("\n[")) || !csvData([]byte("name,instance")) || csvData(nil) {
		t.Error("csvData")
	}
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// openForImport opens path the way a file-open dialog hands it over.
func openForImport(t *testing.T, path string) fyne.URIReadCloser {
	t.Helper()
	rc, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// A CSV row that would replace a stored profile with a secret and send that secret to
// another host is listed for the user's decision, as a bundle's is; the review names
// what the replacement changes.
func TestImportCSVSecretMoves(t *testing.T) {
	held := profile("Acme prod", "https://acme.my.erp.net")
	held.SecretSetAt = t0
	d, _ := newDesk(t, Deps{}, held)
	if err := d.deps.Store.Profiles().MarkSecretSet(held.Name, t0); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(testdir.New(t), "moved.csv")
	writeTestFile(t, path, "name,instance,client_id\nAcme prod,https://acme.evil.example,com.acme/sync\n")
	got := make(chan ImportFile, 1)
	d.ReadImport(openForImport(t, path), func(f ImportFile) { got <- f })
	f := await(t, got)
	if f.Err != nil || !f.CSV || len(f.Moves) != 1 || f.Moves[0].Name != "Acme prod" || !slices.Contains(f.Moves[0].To, "https://acme.evil.example") {
		t.Fatalf("read %+v", f)
	}
	if len(f.Review) != 1 || !strings.Contains(fmt.Sprint(f.Review[0].Notes), "acme.evil.example") {
		t.Errorf("review %+v", f.Review)
	}
}

// A sandbox profile from an earlier session points at a sandbox that is gone: the
// fleet test starts the sandbox first (which moves its profiles to the new address),
// then tests them there.
func TestFleetStartsTheSandboxFirst(t *testing.T) {
	sb := NewSandbox(sandbox.Config{})
	t.Cleanup(sb.Stop)
	old := profiles.Profile{Name: "Sandbox: healthy", Environment: profiles.EnvSandbox, InstanceURL: "http://127.0.0.1:9", ClientID: "com.sandbox/healthy",
		AuthMethod: profiles.AuthPost, Sandbox: true}
	d, _ := newDesk(t, Deps{Sandbox: sb.Start, Now: time.Now, Options: check.Options{Cache: check.NewTokenCache()}}, old)
	d.Select("")
	res, _ := testFleet(t, d, []string{old.Name}, FleetOptions{})
	r := rowOfFleet(t, d, old.Name)
	if res.Passed != 1 || r.Last == nil || r.Last.Verdict != check.Pass || r.Profile.InstanceURL == old.InstanceURL {
		t.Errorf("tested %+v, row %+v", res, r)
	}
}

// The fleet test says why a profile was not tested in the desk's language (the app's),
// as it was when the test began.
func TestFleetProblemsInTheDesksLanguage(t *testing.T) {
	d, _, _, _ := fleetDesk(t, 1, 2)
	d.SetLanguage(i18n.For("bg"))
	if err := d.deps.Secrets.Delete("h00-p01"); err != nil {
		t.Fatal(err)
	}
	testFleet(t, d, names(d), FleetOptions{})
	r := rowOfFleet(t, d, "h00-p01")
	if r.Problem != FleetNoSecret(i18n.For("bg")) || !strings.Contains(r.Problem, "Няма съхранена клиентска тайна") {
		t.Errorf("the problem in Bulgarian: %q", r.Problem)
	}
}
