package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fleetEnv is the app on the fleet fixture (History in memory), the fleet view open.
func fleetEnv(t *testing.T) (*env, *fleetScreen) {
	t.Helper()
	ps, log := fleetFixture()
	e := newEnv(t, Deps{History: log}, ps...)
	e.u.Fleet()
	e.u.Wait()
	return e, e.u.fleet
}

// shownNames are the names of the rows shown, in order.
func shownNames(s *fleetScreen) []string {
	var out []string
	for _, l := range s.shown {
		out = append(out, l.row.Profile.Name)
	}
	return out
}

// shownLine is the row shown for the profile called name.
func shownLine(t *testing.T, s *fleetScreen, name string) *fleetLine {
	t.Helper()
	for _, l := range s.shown {
		if l.row.Profile.Name == name {
			return l
		}
	}
	t.Fatalf("%q is not shown (%v)", name, shownNames(s))
	return nil
}

// pressShortcut presses a keyboard shortcut as the driver does.
func pressShortcut(u *UI, sc fyne.Shortcut) {
	inner := reflect.ValueOf(u.win.Canvas()).Elem().FieldByName("WindowlessCanvas").Interface()
	inner.(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(sc)
}

// Ctrl+Shift+F opens the fleet view (also from the menu, which lists it with its
// shortcut, and from the welcome panel); no two commands share a shortcut.
func TestFleetOpensFromTheMenuAndTheWelcome(t *testing.T) {
	ps, log := fleetFixture()
	e := newEnv(t, Deps{History: log}, ps...)
	u := e.u
	var item *fyne.MenuItem
	seen := map[string]string{}
	for _, it := range u.win.MainMenu().Items[0].Items {
		if strings.HasPrefix(it.Label, "Fleet") {
			item = it
		}
		if it.Shortcut != nil {
			if other, dup := seen[it.Shortcut.ShortcutName()]; dup {
				t.Errorf("%q and %q share the shortcut %s", other, it.Label, it.Shortcut.ShortcutName())
			}
			seen[it.Shortcut.ShortcutName()] = it.Label
		}
	}
	want := &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	if item == nil || item.Shortcut == nil || item.Shortcut.ShortcutName() != want.ShortcutName() {
		t.Fatalf("menu item %+v", item)
	}
	pressShortcut(u, want)
	u.Wait()
	if !u.showing(u.fleet.content) || len(u.fleet.shown) != 9 {
		t.Fatalf("Ctrl+Shift+F: fleet shown %v, %d rows", u.showing(u.fleet.content), len(u.fleet.shown))
	}
	// Esc closes it back to the run view.
	u.fleet.escape()
	if !u.showing(u.run.content) {
		t.Error("Esc did not close the fleet view")
	}
	// With no profile yet, the welcome panel leads there (after a CSV import).
	w := newEnv(t, Deps{}).u
	if !w.showing(w.welcome) {
		t.Fatal("no welcome panel")
	}
	test.Tap(findButton(t, w.welcome, "Fleet: every profile  (Ctrl+Shift+F)"))
	w.Wait()
	if !w.showing(w.fleet.content) || len(w.fleet.shown) != 0 || !strings.Contains(texts(w.fleet.detail), "No profile matches") || !w.fleet.testAll.Disabled() {
		t.Error("the welcome panel's button did not open an empty fleet view")
	}
}

// Each row says what History's last run of the profile showed: verdict and when, as
// whom with which scopes, the token's expiry and the licence, the first failure with
// its cause, the secret's age and the drift since the last pass.
func TestFleetRowsFromHistory(t *testing.T) {
	_, s := fleetEnv(t)
	r := shownLine(t, s, "Acme · reports").cells
	if r[colVerdict] != "Failed" || r[colWhen] != "40 minutes ago" || r[colFailure] != "Token: The Identity Server rejected the app's credentials (invalid_client)" ||
		r[colLicence] != "None (no API call)" || r[colExpires] != "No token" || r[colDrift] != "Changed: Verdict" || r[colInstance] != "acme.my.erp.net" {
		t.Errorf("failing row %q", r)
	}
	g := shownLine(t, s, "Globex · BI export").cells
	if g[colVerdict] != "Passed" || g[colUser] != "svc-bi" || g[colScopes] != "read" || g[colExpires] != "In 40 minutes" ||
		!strings.HasPrefix(g[colLicence], "Reused session until about ") || g[colDrift] != "No passing run before" || g[colFailure] != "" {
		t.Errorf("passing row %q", g)
	}
	st := shownLine(t, s, "Acme · staging sync").cells
	if st[colDrift] != "Changed: System User, Scopes granted, Version" {
		t.Errorf("drifted row %q", st[colDrift])
	}
	if w := shownLine(t, s, "Beta Foods · orders").cells; w[colVerdict] != "Warnings" || w[colFailure] != "Token: Fewer scopes were granted than requested" {
		t.Errorf("warning row %q", w)
	}
	if u := shownLine(t, s, "Umbrella · new app").cells; u[colVerdict] != "Never tested" || u[colSecret] != "Not recorded" || u[colEnv] != "" {
		t.Errorf("untested row %q", u)
	}
	// Secret age: 20 + 37 * i days; over 180 days asks for rotation.
	if a := shownLine(t, s, "Globex · BI export").cells[colSecret]; a != "242 days: rotate it" {
		t.Errorf("secret age %q", a)
	}
	if a := shownLine(t, s, "Acme · nightly import").cells[colSecret]; a != "20 days" {
		t.Errorf("secret age %q", a)
	}
	if !strings.Contains(s.counts.Text, "9 profiles · 2 failing or not tested · 3 changed since their last pass") {
		t.Errorf("counts %q", s.counts.Text)
	}
	// The detail panel lists each change.
	s.table.Select(widget.TableCellID{Row: slices.Index(shownNames(s), "Acme · staging sync"), Col: colName})
	d := texts(s.detail)
	for _, want := range []string{"System User was svc-sync (ApplicationUserNoLogin), now admin (ApplicationUserNoLogin)", "Scopes granted was read update, now read", "Version was 26.2.0.76, now 26.3.0.12",
		"acts as admin (ApplicationUserNoLogin) on E1_PROD", "ERP.net's Trusted Applications have no expiry field for a secret"} {
		if !strings.Contains(d, want) {
			t.Errorf("detail lacks %q:\n%s", want, d)
		}
	}
}

// The view fits the narrowest window: 1024 wide with the profile list beside it.
func TestFleetFitsTheWindow(t *testing.T) {
	_, s := fleetEnv(t)
	if w := s.content.MinSize().Width; w > 1024*0.8-20 {
		t.Errorf("the fleet view needs %.0f wide", w)
	}
}

// A click on a column's title sorts by it, a second click the other way; S does the
// same for the column under the keyboard cursor, and the Sort by choice too.
func TestFleetSorts(t *testing.T) {
	e, s := fleetEnv(t)
	if n := shownNames(s); n[0] != "Acme · nightly import" || n[8] != "Umbrella · new app" {
		t.Fatalf("by name: %v", n)
	}
	header := newFleetHeader(s.table)
	header.set(colVerdict)
	test.Tap(header)
	if n := shownNames(s); n[0] != "Umbrella · new app" || n[8] != "Acme · reports" && n[8] != "Contoso · warehouse" {
		t.Errorf("by verdict, up: %v", n)
	}
	test.Tap(header)
	if n := shownNames(s); n[0] != "Acme · reports" || n[1] != "Contoso · warehouse" || n[2] != "Beta Foods · orders" || s.sortTitle(colVerdict) != "Last verdict ↓" {
		t.Errorf("by verdict, down: %v (%q)", n, s.sortTitle(colVerdict))
	}
	// S sorts by the column under the cursor: move it to When.
	e.u.focus(s.table)
	s.table.hl.Col = colWhen
	s.table.TypedRune('s')
	if n := shownNames(s); n[0] != "Umbrella · new app" || n[1] != "Initech · payroll" || s.sortSel.Selected != "Sort: When" {
		t.Errorf("by when (S): %v, sort by %q", n, s.sortSel.Selected)
	}
	s.sortSel.SetSelected("Sort: Secret age")
	if n := shownNames(s); n[0] != "Umbrella · new app" || n[1] != "Acme · nightly import" {
		t.Errorf("by secret age: %v", n)
	}
	test.Tap(s.sortDir)
	if n := shownNames(s); n[0] != "Initech · payroll" {
		t.Errorf("by secret age, down: %v", n)
	}
}

// The search, the environment, the tag and "failing only" narrow the rows; the counts
// and Test all shown follow.
func TestFleetFilters(t *testing.T) {
	_, s := fleetEnv(t)
	test.Type(s.search, "acme")
	if n := shownNames(s); len(n) != 3 || s.testAll.Text != "Test all shown (3)" || !strings.Contains(s.counts.Text, "9 profiles, 3 shown") {
		t.Errorf("search acme: %v, %q, %q", n, s.testAll.Text, s.counts.Text)
	}
	s.search.SetText("svc-bi") // a System User
	if n := shownNames(s); !slices.Equal(n, []string{"Globex · BI export"}) {
		t.Errorf("search svc-bi: %v", n)
	}
	s.search.SetText("")
	if !slices.Equal(s.env.Options, []string{allEnvs(), "Production", "Test", noEnvs()}) || !slices.Equal(s.tag.Options, []string{allTags(), "acme", "beta", "contoso", "eu", "globex", "initech", "us"}) {
		t.Errorf("choices %v / %v", s.env.Options, s.tag.Options)
	}
	s.env.SetSelected("Test")
	if n := shownNames(s); len(n) != 3 {
		t.Errorf("Test: %v", n)
	}
	s.env.SetSelected(noEnvs())
	if n := shownNames(s); !slices.Equal(n, []string{"Umbrella · new app"}) {
		t.Errorf("no environment: %v", n)
	}
	s.env.SetSelected(allEnvs())
	s.tag.SetSelected("eu")
	if n := shownNames(s); !slices.Equal(n, []string{"Acme · nightly import", "Acme · reports"}) {
		t.Errorf("tag eu: %v", n)
	}
	s.tag.SetSelected(allTags())
	s.failing.SetChecked(true)
	if n := shownNames(s); !slices.Equal(n, []string{"Acme · reports", "Contoso · warehouse"}) {
		t.Errorf("failing: %v", n)
	}
	s.search.SetText("nothing matches this")
	if len(s.shown) != 0 || !s.testAll.Disabled() || !strings.Contains(texts(s.detail), "No profile matches") {
		t.Errorf("nothing shown: %v, test all disabled %v", shownNames(s), s.testAll.Disabled())
	}
}

// From the keyboard alone: the arrows move the current row, Space ticks it, Enter
// opens its run view; a double click opens one too.
func TestFleetKeyboardAndDoubleClick(t *testing.T) {
	e, s := fleetEnv(t)
	u := e.u
	if u.win.Canvas().Focused() != s.table {
		t.Fatalf("the table does not have the keyboard: %v", u.win.Canvas().Focused())
	}
	key := func(k fyne.KeyName) { s.table.TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	if s.cur != shownNames(s)[2] || !strings.Contains(texts(s.detail), s.cur) {
		t.Errorf("after Down Down the current row is %q", s.cur)
	}
	key(fyne.KeySpace)
	key(fyne.KeyEnd)
	key(fyne.KeySpace)
	if len(s.marks) != 2 || s.testSel.Text != "Test selected (2)" || s.cur != "Umbrella · new app" {
		t.Errorf("marks %v, %q, current %q", s.marks, s.testSel.Text, s.cur)
	}
	key(fyne.KeyHome)
	key(fyne.KeyPageDown)
	if s.cur != "Umbrella · new app" {
		t.Errorf("Home, Page Down: %q", s.cur)
	}
	key(fyne.KeyUp)
	want := s.cur
	key(fyne.KeyReturn)
	if !u.showing(u.run.content) || u.desk.Selected() != want {
		t.Fatalf("Enter opened %q (run view shown %v), want %q", u.desk.Selected(), u.showing(u.run.content), want)
	}
	// Back in the fleet view the ticks are kept; a double click opens a row.
	u.Fleet()
	u.Wait()
	if len(s.marks) != 2 {
		t.Errorf("marks after reopening: %v", s.marks)
	}
	clock := fixedNow
	s.table.now = func() time.Time { return clock }
	s.table.tapped(widget.TableCellID{Row: 0, Col: colEnv})
	clock = clock.Add(2 * doubleClick)
	s.table.tapped(widget.TableCellID{Row: 0, Col: colEnv}) // too slow: two clicks
	if !u.showing(s.content) {
		t.Fatal("two slow clicks opened the run view")
	}
	clock = clock.Add(doubleClick / 2)
	s.table.tapped(widget.TableCellID{Row: 0, Col: colEnv})
	if !u.showing(u.run.content) || u.desk.Selected() != "Acme · nightly import" {
		t.Errorf("double click: %q", u.desk.Selected())
	}
	// A click on the first column ticks the row; the header's box ticks every row
	// shown, then clears them.
	u.Fleet()
	u.Wait()
	s.table.tapped(widget.TableCellID{Row: 3, Col: colMark})
	h := newFleetHeader(s.table)
	h.set(colMark)
	test.Tap(h)
	if len(s.marks) != 9 {
		t.Errorf("the header ticked %d rows", len(s.marks))
	}
	test.Tap(h)
	if len(s.marks) != 0 {
		t.Errorf("the header left %d ticked", len(s.marks))
	}
	// Esc in the table closes the view.
	key(fyne.KeyEscape)
	if u.showing(s.content) {
		t.Error("Esc in the table did not close the view")
	}
}

// The app's Import takes the CSV file `profiles import --csv` takes, through the same
// review, then names the profiles that still need a secret and sets them one after
// another (Save and next, Skip).
func TestImportCSVThenSetSecrets(t *testing.T) {
	e := newEnv(t, Deps{})
	u := e.u
	path := filepath.Join(t.TempDir(), "customers.csv")
	csv := "name;instance;client_id;scopes;env;tags\r\n" +
		"Acme prod;https://acme.my.erp.net;com.acme/sync;read;Production;acme\r\n" +
		"Beta prod;https://beta.my.erp.net;com.beta/sync;read update;Production;beta\r\n" +
		"Gamma test;https://gamma.my.erp.net;com.gamma/sync;read;Test;\r\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Imported 3 profile(s): Acme prod, Beta prod, Gamma test.") || !strings.Contains(d, "3 profiles still need a client secret: Acme prod, Beta prod, Gamma test.") {
		t.Fatalf("import dialog %q", d)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Set them now…"))
	step := u.win.Canvas().Overlays().Top()
	if s := texts(step); !strings.Contains(s, "Client secret 1 of 3") || !strings.Contains(s, "“Acme prod”") {
		t.Fatalf("stepper %q", s)
	}
	entry := u.win.Canvas().Focused().(*dialogEntry)
	if !entry.Password {
		t.Error("the secret is typed in the clear")
	}
	entry.OnSubmitted("") // Enter with nothing typed
	if s := texts(step); !strings.Contains(s, "Paste the secret") {
		t.Errorf("empty secret: %q", s)
	}
	test.Type(entry, "acme-s3cret")
	entry.OnSubmitted(entry.Text)
	u.Wait()
	if s := texts(step); !strings.Contains(s, "Client secret 2 of 3") || !strings.Contains(s, "“Beta prod”") || entry.Text != "" {
		t.Fatalf("after saving: %q, entry %q", s, entry.Text)
	}
	test.Tap(findButton(t, step, "Skip"))
	test.Type(entry, "gamma-s3cret")
	test.Tap(findButton(t, step, "Save and next  (Enter)"))
	u.Wait()
	if u.win.Canvas().Overlays().Top() == step {
		t.Error("the stepper stayed after the last profile")
	}
	if !strings.Contains(u.status.Text, "Set 2 client secrets in the keychain. 1 profile still needs one: Beta prod.") {
		t.Errorf("status %q", u.status.Text)
	}
	for name, want := range map[string]string{"Acme prod": "acme-s3cret", "Gamma test": "gamma-s3cret"} {
		if got, err := e.secrets.Get(name); err != nil || got != want {
			t.Errorf("%s: secret %q (%v)", name, got, err)
		}
	}
	if _, err := e.secrets.Get("Beta prod"); err == nil {
		t.Error("the skipped profile got a secret")
	}
	if p, _ := e.store.Get("Acme prod"); p.SecretSetAt.IsZero() || !p.HasTag("acme") || p.Environment != "Production" {
		t.Errorf("imported profile %+v", p)
	}
	// The fleet view's Set secrets… steps through the one still missing.
	u.Fleet()
	u.Wait()
	test.Tap(u.fleet.secretsBtn)
	u.Wait()
	if s := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(s, "Client secret 1 of 1") || !strings.Contains(s, "“Beta prod”") {
		t.Errorf("Set secrets…: %q", s)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Stop  (Esc)"))
	// The view shows the profiles as read again: the secret set above has its age.
	if a := shownLine(t, u.fleet, "Acme prod").cells[colSecret]; a != "Set today" {
		t.Errorf("secret age after setting it: %q", a)
	}
	p, _ := e.store.Get("Gamma test")
	p.Tags = []string{"added elsewhere"}
	if err := e.store.Update(p.Name, p); err != nil {
		t.Fatal(err)
	}
	u.Reload("")
	u.Wait()
	if tags := shownLine(t, u.fleet, "Gamma test").cells[colTags]; tags != "added elsewhere" {
		t.Errorf("the fleet view did not show a change read from the store: %q", tags)
	}
	// A broken CSV file names its lines and imports nothing.
	if err := os.WriteFile(path, []byte("name,instance,client_id,secret\r\nx,https://x,y,z\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	closeDialogs(u)
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "looks like a secret") {
		t.Errorf("a CSV file with a secret column: %q", d)
	}
	if n := len(e.store.List()); n != 3 {
		t.Errorf("%d profiles after a refused file", n)
	}
}
