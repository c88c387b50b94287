package ui

import (
	"errors"
	"fmt"
	"image"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
)

// fakeCompareDesk is the desk as the compare view sees it: two stored profiles (one
// tagged Production), History's runs, and comparisons answered when the test says.
type fakeCompareDesk struct {
	list     []profiles.Profile
	runs     []check.RunSummary
	runsErr  error
	asked    [][2]desk.CompareSide
	records  []bool
	nextOp   desk.OpID
	op       *desk.Op
	progress func(desk.CompareProgress)
	done     func(desk.Compared)
}

func newFakeCompareDesk() *fakeCompareDesk {
	prod := acme()
	prod.Name, prod.Environment = "Production", profiles.EnvProduction
	test := acme()
	test.Name, test.Environment = "Test", profiles.EnvTest
	return &fakeCompareDesk{list: []profiles.Profile{prod, test}, runs: []check.RunSummary{
		{ID: "bbbb2222", Profile: "Test", Started: fixedNow.Add(-time.Hour), Verdict: check.Fail},
		{ID: "aaaa1111", Profile: "Test", Started: fixedNow.Add(-2 * time.Hour), Verdict: check.Pass,
			Record: []check.RecordField{{Field: "Scope", Value: "read", State: check.RecordOK}}},
		{ID: "cccc3333", Profile: "Deleted app", Started: fixedNow.Add(-3 * time.Hour), Verdict: check.Pass},
	}}
}

func (f *fakeCompareDesk) Profiles() []profiles.Profile { return f.list }
func (f *fakeCompareDesk) RunsAvailable() bool          { return true }
func (f *fakeCompareDesk) ReadRuns(_ audit.Filter, done func(desk.Runs)) *desk.Op {
	f.nextOp++
	done(desk.Runs{Op: f.nextOp, Runs: f.runs, Err: f.runsErr})
	return &desk.Op{ID: f.nextOp}
}
func (f *fakeCompareDesk) CompareProblem(a, b desk.CompareSide) error {
	switch {
	case a.Empty() || b.Empty():
		return errors.New("choose what side B is: a profile, and now or a run from History")
	case a.Fresh() && b.Fresh() && a.Profile == b.Profile:
		return fmt.Errorf("two fresh runs of %q compare nothing but noise", a.Profile)
	}
	return nil
}
func (f *fakeCompareDesk) CostOf(a, b desk.CompareSide) desk.CompareCost {
	var c desk.CompareCost
	for _, s := range []desk.CompareSide{a, b} {
		if s.Fresh() {
			c.Fresh = append(c.Fresh, s.Profile)
			if s.Profile == "Production" {
				c.Production = append(c.Production, s.Profile)
			}
		}
	}
	c.SameInstance = len(c.Fresh) == 2
	return c
}
func (f *fakeCompareDesk) Compare(a, b desk.CompareSide, readRecord bool, began func(*desk.Op), progress func(desk.CompareProgress), done func(desk.Compared)) (*desk.Op, error) {
	f.nextOp++
	f.op = &desk.Op{ID: f.nextOp}
	f.asked = append(f.asked, [2]desk.CompareSide{a, b})
	f.records = append(f.records, readRecord)
	f.progress, f.done = progress, done
	began(f.op)
	return f.op, nil
}

// fakeCompareShell is the window as the compare view sees it.
type fakeCompareShell struct {
	fakeShell
	win    fyne.Window
	closes int
}

func (s *fakeCompareShell) clipboard() fyne.Clipboard { return fyne.CurrentApp().Clipboard() }
func (s *fakeCompareShell) window() fyne.Window       { return s.win }
func (s *fakeCompareShell) closeTool()                { s.closes++ }
func (s *fakeCompareShell) focus(fyne.Focusable)      {}

// sampleComparison is Test now against its run from History: two differences.
func sampleComparison() compare.Comparison {
	now := check.RunSummary{ID: "dddd4444", Profile: "Test", Started: fixedNow, Verdict: check.Pass, SystemUser: "svc-import", DurationMS: 400,
		ScopesRequested: []string{"read", "update"}, ScopesGranted: []string{"read", "update"},
		Steps: []check.StepSummary{{Kind: check.StepToken, Name: "Token", Verdict: check.Pass, Status: 200, DurationMS: 90}}}
	old := now
	old.ID, old.Started, old.Verdict = "bbbb2222", fixedNow.Add(-time.Hour), check.Fail
	old.ScopesGranted = []string{"read"}
	old.Steps = []check.StepSummary{{Kind: check.StepToken, Name: "Token", Verdict: check.Fail, Status: 400, DurationMS: 80}}
	return compare.Runs(now, old, compare.FreshLabel(now), compare.HistoryLabel(old))
}

func newCompareUnderTest(t *testing.T) (*compareScreen, *fakeCompareDesk, *fakeCompareShell) {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("t")
	t.Cleanup(w.Close)
	sh := &fakeCompareShell{win: w}
	d := newFakeCompareDesk()
	c := newCompareScreen(sh, d)
	w.SetContent(c.content)
	w.Resize(fyne.NewSize(1000, 700))
	return c, d, sh
}

// The view opened on a profile and its latest run: both sides chosen, the cost said,
// Compare runs it (Cancel while it runs), and the result puts the differences first
// with the identical rows folded; Copy gives the CLI's text.
func TestCompareViewWithFakeDesk(t *testing.T) {
	c, d, sh := newCompareUnderTest(t)
	c.open(compareChoice{profile: "Test"}, compareChoice{profile: "Test", latest: true}, false)
	if got := c.prof[0].Options; strings.Join(got, ",") != "Deleted app,Production,Test" {
		t.Errorf("profiles offered %v (stored ones and those History still knows)", got)
	}
	if c.prof[0].Selected != "Test" || c.when[0].Selected != nowLabel() {
		t.Errorf("side A = %q / %q", c.prof[0].Selected, c.when[0].Selected)
	}
	if c.prof[1].Selected != "Test" || !strings.Contains(c.when[1].Selected, "run bbbb2222") {
		t.Errorf("side B = %q / %q, want Test's latest run", c.prof[1].Selected, c.when[1].Selected)
	}
	if got := c.when[1].Options; len(got) != 3 || got[0] != nowLabel() || !strings.HasSuffix(got[2], "run aaaa1111  ·  record read") {
		t.Errorf("Test's choices %q", got)
	}
	// The latest run did not read the record: reading it now would only add "not read" rows.
	if c.readRecord.Checked {
		t.Error("the record is read although side B's run has none")
	}
	if !strings.HasPrefix(c.cost.Text, "Costs one licence slot: “Test” runs now with a fresh token") || c.start.Disabled() {
		t.Errorf("cost %q (Compare disabled %v)", c.cost.Text, c.start.Disabled())
	}

	test.Tap(c.start)
	if len(d.asked) != 1 || d.asked[0][0].Profile != "Test" || d.asked[0][1].Run == nil || d.asked[0][1].Run.ID != "bbbb2222" || d.records[0] {
		t.Fatalf("asked %+v, record %v", d.asked, d.records)
	}
	if c.start.Text != "Cancel  (Esc)" || !c.prof[0].Disabled() || !strings.HasPrefix(c.progress.Text, "Running “Test” with a fresh token") {
		t.Errorf("while running: button %q, progress %q", c.start.Text, c.progress.Text)
	}
	// A late result of another operation is dropped.
	d.done(desk.Compared{Op: d.op.ID + 7, Comparison: sampleComparison()})
	if c.last != nil {
		t.Fatal("a result of another operation was shown")
	}
	cmp := sampleComparison()
	d.done(desk.Compared{Op: d.op.ID, Comparison: cmp, Sessions: [2]*check.SessionCost{{State: check.SessionOpened, HoldsUntil: fixedNow.Add(20 * time.Minute), LatestUntil: fixedNow.Add(time.Hour)}}})
	if c.start.Text != compareLabel() || c.prof[0].Disabled() {
		t.Errorf("after: button %q", c.start.Text)
	}
	got := texts(c.result)
	for _, want := range []string{"A:  \"Test\", fresh run dddd4444", "B:  \"Test\", run bbbb2222", fmt.Sprintf("%d differences.", cmp.Differences),
		"Verdict\npass\nfail", "Scopes granted\nread update\nread", "Show the", "A: New ERP.net session"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
	// Differences come first; the identical rows are folded.
	if strings.Index(got, "Verdict\npass\nfail") > strings.Index(got, "Show the ") {
		t.Error("differences do not come first")
	}
	if c.fold == nil || c.fold.rows.Visible() || len(c.fold.rows.Objects) != 0 || c.fold.toggle.Text != fmt.Sprintf("Show the %d identical rows", len(cmp.Rows)-cmp.Differences) {
		t.Fatal("identical rows are not folded (nor left unmade)")
	}
	test.Tap(c.fold.toggle)
	if !c.fold.rows.Visible() || !strings.Contains(texts(c.fold.rows), "System User\nsvc-import\nsvc-import") {
		t.Errorf("unfolded: %q", texts(c.fold.rows))
	}
	test.Tap(c.fold.toggle)
	if c.fold.rows.Visible() {
		t.Error("the identical rows did not fold again")
	}
	if !strings.Contains(sh.status, "differences.") {
		t.Errorf("status %q", sh.status)
	}
	test.Tap(c.copyBtn)
	if clip := fyne.CurrentApp().Clipboard().Content(); clip != string(desk.ComparisonText(cmp)) || !strings.Contains(clip, "identical:") {
		t.Errorf("clipboard %q", clip)
	}
}

// Production on a fresh side asks first (Esc keeps it from running); two fresh runs of
// one profile are refused with the reason; Esc cancels a running comparison, then
// closes the view; a failed side is explained with its fix.
func TestCompareViewAsksCancelsAndExplains(t *testing.T) {
	c, d, sh := newCompareUnderTest(t)
	c.open(compareChoice{profile: "Test"}, compareChoice{profile: "Test"}, false)
	if !c.start.Disabled() || !strings.Contains(c.cost.Text, "Two fresh runs of \"Test\" compare nothing but noise") {
		t.Errorf("same profile twice: %q, Compare disabled %v", c.cost.Text, c.start.Disabled())
	}
	c.prof[1].SetSelected("Production")
	if c.when[1].Selected != nowLabel() || !strings.Contains(c.cost.Text, "Costs two licence slots, both on the same instance: “Test” and “Production” run now") ||
		!strings.Contains(c.cost.Text, "“Production” is tagged Production: you are asked first.") {
		t.Errorf("cost %q", c.cost.Text)
	}
	if !c.readRecord.Checked {
		t.Error("two fresh runs should read their records")
	}
	c.primary()
	if sh.win.Canvas().Overlays().Top() == nil || len(d.asked) != 0 {
		t.Fatalf("Production compared without asking (%d)", len(d.asked))
	}
	top := sh.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), "one of production's licence slots") {
		t.Fatalf("the question %v", top)
	}
	test.Tap(findButton(t, top, "Compare now"))
	if len(d.asked) != 1 || !d.asked[0][1].Fresh() {
		t.Fatalf("asked %+v", d.asked)
	}
	c.escape()
	if c.progress.Text != "Cancelling…" || !c.start.Disabled() || sh.closes != 0 {
		t.Errorf("Esc while running: %q, closes %d", c.progress.Text, sh.closes)
	}
	d.done(desk.Compared{Op: d.op.ID, Cancelled: true})
	if !strings.HasPrefix(c.progress.Text, "Cancelled: nothing was compared") || c.last != nil {
		t.Errorf("cancelled: %q", c.progress.Text)
	}
	c.escape()
	if sh.closes != 1 {
		t.Error("Esc did not close the view")
	}
	// A tapped select or check box keeps the focus, and passes Esc on.
	c.readRecord.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	c.prof[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if sh.closes != 3 {
		t.Errorf("Esc in the check box and the select: %d closes, want 3", sh.closes)
	}

	// A side without a secret.
	c.primary()
	test.Tap(findButton(t, sh.win.Canvas().Overlays().Top(), "Compare now"))
	d.done(desk.Compared{Op: d.op.ID, Err: fmt.Errorf("%q: %w", "Production", desk.ErrNoSecret)})
	if len(sh.errors) != 1 || !strings.Contains(sh.errors[0], "Could not compare: \"Production\": no client secret stored") {
		t.Errorf("errors %q", sh.errors)
	}
	// Closing while fresh runs go cancels them.
	c.open(compareChoice{profile: "Test"}, compareChoice{run: &d.runs[1]}, false)
	c.primary()
	c.closed()
	if c.progress.Text != "Cancelling…" {
		t.Errorf("closing while running: %q", c.progress.Text)
	}
}

// Two runs from History compare at once: nothing is sent, and the cost says so.
func TestCompareViewTwoHistoryRunsAtOnce(t *testing.T) {
	c, d, _ := newCompareUnderTest(t)
	a, b := d.runs[1], d.runs[0]
	c.open(compareChoice{run: &a}, compareChoice{run: &b}, true)
	if len(d.asked) != 1 || d.asked[0][0].Run.ID != "aaaa1111" || d.asked[0][1].Run.ID != "bbbb2222" {
		t.Fatalf("asked %+v", d.asked)
	}
	if c.cost.Text != "Costs nothing: both sides are runs from History, so nothing is sent." {
		t.Errorf("cost %q", c.cost.Text)
	}
	// History that cannot be read still lets fresh runs be compared.
	d.runsErr = errors.New("permission denied")
	d.done(desk.Compared{Op: d.op.ID, Comparison: sampleComparison()})
	c.open(compareChoice{profile: "Test"}, compareChoice{profile: "Production"}, false)
	if !strings.Contains(c.progress.Text, "History could not be read (permission denied)") || c.start.Disabled() {
		t.Errorf("progress %q", c.progress.Text)
	}
}

// Through the real desk and the sandbox: the menu's Compare… puts a profile now against
// its last run; ⋮'s "Compare with…" two profiles now; History's Runs tab two runs;
// Esc closes back to the run view.
func TestCompareThroughTheDeskAgainstTheSandbox(t *testing.T) {
	e, log := historyEnv(t)
	u := e.u
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()

	u.Compare()
	u.Wait()
	c := u.compare
	if !u.showing(c.content) || c.prof[1].Selected != "Sandbox: healthy" || !strings.Contains(c.when[1].Selected, "pass") {
		t.Fatalf("Compare…: B = %q / %q", c.prof[1].Selected, c.when[1].Selected)
	}
	u.StartRun() // Ctrl+Enter on the compare view compares
	u.Wait()
	if c.last == nil || c.last.Err != nil {
		t.Fatalf("no comparison (%q, %q)", c.progress.Text, u.status.Text)
	}
	// Nothing differs but, on a loaded machine, how long the runs took (a timing row
	// differs when one run took over twice as long and 250 ms more: CI's load does that).
	for _, r := range c.last.Comparison.Rows {
		if !r.Same && r.Group != compare.GroupTimings {
			t.Errorf("the app now and a minute ago differ in %s %s (%q, %q):\n%s", r.Group, r.Field, r.A, r.B, texts(c.result))
		}
	}
	if c.last.Comparison.Differences == 0 && !strings.Contains(texts(c.result), "No differences") {
		t.Errorf("no differences, not said:\n%s", texts(c.result))
	}
	if !strings.Contains(u.status.Text, "A: New ERP.net session") {
		t.Errorf("status %q", u.status.Text)
	}

	// Esc on the canvas closes the view, back to the run view.
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if !u.showing(u.run.content) {
		t.Fatal("Esc did not close the compare view")
	}

	// ⋮ Compare with…: read-only-write now against healthy now.
	u.selectProfile("Sandbox: read-only-write")
	u.CompareWith("Sandbox: read-only-write")
	u.Wait()
	c.prof[1].SetSelected("Sandbox: healthy")
	c.when[1].SetSelected(nowLabel())
	if !c.readRecord.Checked {
		t.Error("two fresh runs should read their records")
	}
	test.Tap(c.start)
	u.Wait()
	if c.last == nil || c.last.Err != nil {
		t.Fatalf("no comparison: %q", u.status.Text)
	}
	got := texts(c.result)
	for _, want := range []string{"Verdict\nfail\npass", "com.sandbox/read-only-write (ok)"} {
		if !strings.Contains(got, want) {
			t.Errorf("comparison lacks %q:\n%s", want, got)
		}
	}

	// History's runs: tick two, compare them; nothing new is run.
	before, _ := log.Runs(audit.Filter{})
	u.closeTool()
	u.run.tabs.SelectIndex(5)
	u.Wait() // the requests, read on selection
	u.run.history.show.SetSelected(historyRunsLabel())
	u.Wait()
	h := u.run.history.runs
	if len(h.runs) != len(before) || len(before) != 4 {
		t.Fatalf("History lists %d runs, the log %d", len(h.runs), len(before))
	}
	h.pick(h.runs[0].ID, true)
	if h.with.Disabled() || !h.both.Disabled() {
		t.Error("one tick: Compare with… only")
	}
	h.pick(h.runs[3].ID, true)
	test.Tap(h.both)
	u.Wait()
	if !u.showing(c.content) || c.last == nil || c.last.Comparison.A.RunID != h.runs[3].ID || c.last.Comparison.B.RunID != h.runs[0].ID {
		t.Fatalf("History's two runs not compared (older as A): %+v", c.last)
	}
	if after, _ := log.Runs(audit.Filter{}); len(after) != len(before) {
		t.Errorf("comparing two History runs ran something: %d runs, were %d", len(after), len(before))
	}

	// One tick: Compare with… puts it on side A and leaves B to choose.
	u.closeTool()
	h.pick(h.runs[3].ID, false)
	test.Tap(h.with)
	u.Wait()
	if !u.showing(c.content) || c.prof[0].Selected != h.runs[0].Profile || !strings.Contains(c.when[0].Selected, "run "+h.runs[0].ID) || c.prof[1].Selected != "" {
		t.Errorf("Compare with…: A %q / %q, B %q", c.prof[0].Selected, c.when[0].Selected, c.prof[1].Selected)
	}
}

// Cancel through the real desk: two profiles on an instance that never answers stop
// at once, and the view says nothing was compared.
func TestCompareCancelThroughTheDesk(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	a, b := acme(), acme()
	a.Name, a.Environment, a.InstanceURL = "Stalls A", profiles.EnvTest, srv.URL
	b.Name, b.Environment, b.InstanceURL = "Stalls B", profiles.EnvTest, srv.URL
	e := newEnv(t, Deps{Now: time.Now}, a, b)
	u := e.u
	u.CompareWith("Stalls A")
	c := u.compare
	c.prof[1].SetSelected("Stalls B")
	test.Tap(c.start)
	if c.start.Text != "Cancel  (Esc)" {
		t.Fatalf("button %q", c.start.Text)
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	test.Tap(c.start)
	u.Wait()
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("cancel took %v", took)
	}
	if !strings.HasPrefix(c.progress.Text, "Cancelled: nothing was compared") || c.start.Text != compareLabel() {
		t.Errorf("after cancel: %q / %q", c.progress.Text, c.start.Text)
	}
}

// The compare view with a result, light and dark, at the smallest supported size.
func TestCompareSnapshot(t *testing.T) {
	for _, tc := range []struct {
		th   fyne.Theme
		file string
	}{{themeVariant(theme.VariantLight), "compare_light.png"}, {themeVariant(theme.VariantDark), "compare_dark.png"}} {
		t.Run(tc.file, func(t *testing.T) {
			assertSnapshot(t, tc.file, func() image.Image { return compareScreenCapture(t, tc.th) })
		})
	}
}

func compareScreenCapture(t *testing.T, th fyne.Theme) image.Image {
	t.Helper()
	e := newEnv(t, Deps{}, acme())
	u := e.u
	d := newFakeCompareDesk()
	u.compare.desk = d
	u.openCompare(compareChoice{profile: "Test"}, compareChoice{profile: "Test", latest: true}, false)
	u.compare.primary()
	d.done(desk.Compared{Op: d.op.ID, Comparison: sampleComparison(), Sessions: [2]*check.SessionCost{{State: check.SessionOpened, HoldsUntil: fixedNow.Add(20 * time.Minute), LatestUntil: fixedNow.Add(time.Hour)}}})
	u.Wait()
	return captureAt(t, u, th)
}

// BenchmarkCompareViewRows draws a comparison of two runs of a profile with 3 API calls
// (one of them different) and with 200 (about 410 rows, half of them different): what
// showing it costs the UI goroutine.
func BenchmarkCompareViewRows(b *testing.B) {
	test.NewTempApp(b)
	c := newCompareScreen(&fakeCompareShell{}, newFakeCompareDesk())
	w := test.NewWindow(c.content)
	defer w.Close()
	w.Resize(fyne.NewSize(1024, 700))
	run := func(id string, calls int, fail bool) check.RunSummary {
		s := check.RunSummary{ID: id, Profile: "Test", Started: fixedNow, Verdict: check.Pass, SystemUser: "svc-import",
			ScopesRequested: []string{"read", "update"}, ScopesGranted: []string{"read", "update"}}
		for i := 0; i < calls; i++ {
			st := check.StepSummary{Kind: check.StepAPI, Name: fmt.Sprintf("API GET /api/domain/odata/Entity%03d?$top=5", i), Verdict: check.Pass, Status: 200, DurationMS: 40}
			if fail && i%2 == 0 {
				st.Verdict, st.Status = check.Fail, 403
			}
			s.Steps = append(s.Steps, st)
		}
		return s
	}
	for _, calls := range []int{3, 200} {
		cmp := compare.Runs(run("aaaa0001", calls, false), run("bbbb0002", calls, true), "A", "B")
		b.Run(fmt.Sprintf("%d_calls", calls), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.showResult(desk.Compared{Comparison: cmp})
			}
			b.ReportMetric(float64(len(cmp.Rows)), "rows")
			b.ReportMetric(float64(cmp.Differences), "differences")
		})
	}
}

// In Bulgarian the result's rows, values and sides are said as the CLI's diff says
// them (compare.FieldIn, ValueIn, LabelIn), not in the engine's English.
func TestCompareResultInBulgarian(t *testing.T) {
	speakEnglishAfter(t)
	c, d, _ := newCompareUnderTest(t)
	bg := i18n.For("bg")
	lang.cur.Store(bg)
	c.open(compareChoice{profile: "Test"}, compareChoice{profile: "Test", latest: true}, false)
	test.Tap(c.start)
	cmp := sampleComparison()
	d.done(desk.Compared{Op: d.op.ID, Comparison: cmp})
	test.Tap(c.fold.toggle)
	got := texts(c.result)
	for _, en := range []string{"Verdict", "Scopes granted", "System User"} {
		if said := compare.FieldIn(bg, en); said == en || !strings.Contains(got, said) {
			t.Errorf("the row %q is not said in Bulgarian (%q):\n%s", en, said, got)
		}
	}
	for _, v := range []string{"pass", "fail"} {
		if said := compare.ValueIn(bg, v); said == v || !strings.Contains(got, said+"\n") {
			t.Errorf("the value %q is not said in Bulgarian (%q)", v, said)
		}
	}
	if said := compare.LabelIn(bg, cmp.A.Label); said == cmp.A.Label || !strings.Contains(got, said) {
		t.Errorf("side A's label %q is not said in Bulgarian (%q)", cmp.A.Label, said)
	}
	for _, en := range []string{"Scopes granted", "fresh run", "FIELD"} {
		if strings.Contains(got, en) {
			t.Errorf("English %q left in the Bulgarian result:\n%s", en, got)
		}
	}
}
