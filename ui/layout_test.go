package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

func TestClaimsTable(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	c := u.run.claims
	rows, cols := c.table.Length()
	if cols != 3 || rows != 2+3+9 {
		t.Fatalf("table %d×%d, want 14 rows (2 sections, 3 header, 9 payload) × 3", rows, cols)
	}
	cell := func(row, col int) string { s, _ := claimCell(c.rows[row], col); return s }
	if cell(0, 0) != "Header" || cell(0, 1) != "JWT (signed token)" || cell(4, 0) != "Payload" {
		t.Errorf("sections: %q %q %q", cell(0, 0), cell(0, 1), cell(4, 0))
	}
	// exp: name | raw value | local time (time.Local is UTC in these tests).
	var exp int
	for i, r := range c.rows {
		if r.claim.Name == "exp" {
			exp = i
		}
	}
	if cell(exp, 1) != "1763634420" || cell(exp, 2) != "Fri 20 Nov 2026 10:27:00 UTC" {
		t.Errorf("exp row = %q | %q", cell(exp, 1), cell(exp, 2))
	}
	if cell(1, 2) != "" {
		t.Errorf("a claim without a time shows %q", cell(1, 2))
	}
	// The value column takes what the others leave: no sideways scrolling at 1024.
	u.win.Resize(fyne.NewSize(1024, 700))
	u.run.tabs.SelectIndex(1)
	w := c.table.Size().Width
	if w <= 0 {
		t.Fatal("claims table not laid out")
	}
	// Selecting a claim shows its whole value, and Copy value copies it.
	if !c.copyVal.Disabled() {
		t.Error("Copy value enabled before a selection")
	}
	c.table.Select(widget.TableCellID{Row: exp - 1, Col: 1}) // iat
	if !strings.HasPrefix(c.detail.Text, "iat = 1763630820") || !strings.Contains(c.detail.Text, "09:27:00 UTC") {
		t.Errorf("detail = %q", c.detail.Text)
	}
	test.Tap(c.copyVal)
	if got := e.app.Clipboard().Content(); got != "1763630820" {
		t.Errorf("clipboard = %q", got)
	}
	c.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if !c.copyVal.Disabled() {
		t.Error("Copy value enabled on a section row")
	}
}

// At the smallest supported size the timeline row fits without scrolling, and the
// environment tag sits right after the profile name.
func TestLayoutAt1024(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	u.win.Resize(fyne.NewSize(1024, 700))
	row := u.run.timeline.slots[check.StepReachability]
	last := u.run.timeline.slots[check.StepAPI]
	driver := fyne.CurrentApp().Driver()
	right := driver.AbsolutePositionForObject(last).X + last.Size().Width
	tl := driver.AbsolutePositionForObject(u.run.timeline.content).X + u.run.timeline.content.Size().Width
	if right > tl+0.5 || row.Size().Width <= 0 {
		t.Errorf("timeline slots end at %.0f, the row at %.0f", right, tl)
	}
	if got := last.Text; got != "API calls  3/3 passed" {
		t.Errorf("API slot = %q", got)
	}
	name, tag := u.run.header.name, u.run.header.env
	nameEnd := driver.AbsolutePositionForObject(name).X + name.Size().Width
	tagX := driver.AbsolutePositionForObject(tag).X
	if gap := tagX - nameEnd; gap < 0 || gap > 20 {
		t.Errorf("the environment tag is %.0f px from the name, want it right after", gap)
	}
}

// Tapping a timeline step opens its findings and exchanges.
func TestTimelineSlotOpensStep(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(scopeFailReport())}, acme())
	u := e.u
	test.Tap(u.run.timeline.slots[check.StepToken]) // nothing yet: no dialog
	if topDialog(u) != "" {
		t.Fatal("a step without results opened a dialog")
	}
	u.StartRun()
	u.Wait()
	if got := u.run.timeline.slots[check.StepInspect].Text; got != "Signature  skipped" {
		t.Errorf("skipped slot = %q", got)
	}
	test.Tap(u.run.timeline.slots[check.StepToken])
	d := topDialog(u)
	if !strings.Contains(d, `refused the scope "update"`) || !strings.Contains(d, "[token.invalid_scope]") || !strings.Contains(d, "RESPONSE BODY") {
		t.Fatalf("step dialog = %q", d)
	}
}

// The identity card gets its natural height and the tabs the rest, at the window
// sizes the app opens at and supports; dragging the divider gives the tabs more room
// (the card then scrolls) and the drag survives a resize.
func TestCardTabsSplit(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	card := u.run.identity.content
	for _, size := range []fyne.Size{fyne.NewSize(1200, 720), fyne.NewSize(1024, 700)} {
		u.win.Resize(size)
		lead := u.run.cardSplit.Leading.Size().Height
		if min := card.MinSize().Height; lead < min || lead > min+4 {
			t.Errorf("at %v the card area is %.0f px, want its natural %.0f", size, lead, min)
		}
		// The header, timeline and card leave the tabs more than half the window.
		if tabs := u.run.tabs.Size().Height; tabs < size.Height-400 {
			t.Errorf("at %v the tabs have %.0f px", size, tabs)
		}
	}
	// The user drags the divider up: the card shrinks (and scrolls), the tabs grow.
	before := u.run.tabs.Size().Height
	u.run.cardSplit.SetOffset(0.05)
	u.win.Resize(fyne.NewSize(1200, 720))
	if u.run.cardSplit.Offset != 0.05 {
		t.Fatalf("offset after a drag and a resize = %v, want the user's 0.05", u.run.cardSplit.Offset)
	}
	if got := u.run.tabs.Size().Height; got <= before {
		t.Errorf("tabs %.0f px after the drag, %.0f before", got, before)
	}
	if u.run.cardSplit.Leading.Size().Height >= card.MinSize().Height {
		t.Error("the card area did not shrink below the card")
	}
}

// The sandbox scenario's description folds into a button on the summary line that
// shows the whole text; a missing secret is a warning there.
func TestHeaderNote(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	n := u.run.header.note
	if !n.Visible() || n.Text != "About this scenario" {
		t.Fatalf("note button %q visible=%v", n.Text, n.Visible())
	}
	test.Tap(n)
	if d := topDialog(u); !strings.Contains(d, "Sandbox scenario: ") || !strings.Contains(d, "Expected: ") {
		t.Errorf("note pop-up = %q", d)
	}
	closeDialogs(u)

	p := acme()
	p.Name, p.SecretSetAt = "No secret", time.Time{}
	e2 := newEnv(t, Deps{}, p)
	n = e2.u.run.header.note
	if n.Text != "No client secret yet" || n.Importance != widget.WarningImportance {
		t.Errorf("note = %q (importance %v)", n.Text, n.Importance)
	}
	test.Tap(n)
	if d := topDialog(e2.u); !strings.Contains(d, "press Edit to add it") {
		t.Errorf("note pop-up = %q", d)
	}
	e3 := newEnv(t, Deps{}, acme()) // secret set 12 days ago: nothing to say
	if e3.u.run.header.note.Visible() {
		t.Errorf("note shown for a fresh secret: %q", e3.u.run.header.note.Text)
	}
}

// A refusal shown under "Read with" takes its room at once, the rows below it: the
// window notices a label shown again only on some frames, and the real app drew the
// refusal over the first rows.
func TestRecordTabProblemTakesItsRoom(t *testing.T) {
	refused := func(context.Context, profiles.Profile, *check.AccessToken, string, check.Options) check.RecordResult {
		return check.RecordResult{Status: 403, Problem: "The instance refused to show the record (HTTP 403): reading Systems_Security_TrustedApplications needs the sec scope, which no ordinary token can get."}
	}
	e := newEnv(t, Deps{Run: replayRun(healthyReport()), ReadRecord: refused}, acme())
	u := e.u
	u.win.Resize(fyne.NewSize(1024, 700))
	u.StartRun()
	u.Wait()
	u.run.openTab("Record")
	u.Wait()
	rt := u.run.record
	if !rt.problem.Visible() {
		t.Fatal("the refusal is not shown")
	}
	d := fyne.CurrentApp().Driver()
	bottom := d.AbsolutePositionForObject(rt.problem).Y + rt.problem.Size().Height
	if top := d.AbsolutePositionForObject(rt.pane).Y; top < bottom-0.5 || rt.problem.Size().Height < rt.problem.MinSize().Height-0.5 {
		t.Errorf("the refusal (to y %.0f, %.0f of %.0f px high) is drawn over the rows (from y %.0f)", bottom, rt.problem.Size().Height, rt.problem.MinSize().Height, top)
	}
}
