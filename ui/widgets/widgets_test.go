package widgets

import (
	"image/color"
	"reflect"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	fynetooltip "github.com/dweymouth/fyne-tooltip"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/fyneloop"
)

// snapshot renders o alone, filling a window of size, with Fyne's test theme (stable
// across machines) and compares it with testdata/name. On a mismatch the actual image
// goes to testdata/failed/.
func snapshot(t *testing.T, name string, o fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	w := test.NewTempWindow(t, container.NewPadded(o))
	w.Resize(size)
	test.AssertImageMatches(t, name, w.Canvas().Capture())
}

// natural is snapshot with o at its natural size in the middle of the window.
func natural(t *testing.T, name string, o fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	snapshot(t, name, container.NewCenter(o), size)
}

func TestChipLooks(t *testing.T) {
	test.NewTempApp(t)
	size := fyne.NewSize(200, 44)
	natural(t, "chip_plain.png", NewChip("read", theme.ColorNameSuccess), size)
	natural(t, "chip_icon.png", NewIconChip(theme.ConfirmIcon(), "update", theme.ColorNameSuccess), size)
	outlined := NewChip("read · granted, not requested", theme.ColorNamePrimary)
	outlined.Outlined = true
	natural(t, "chip_outlined.png", outlined, fyne.NewSize(260, 44))
	refused := NewIconChip(theme.CancelIcon(), "openid requested, not granted", theme.ColorNameError)
	refused.Strike = "openid"
	natural(t, "chip_struck.png", refused, fyne.NewSize(260, 44))
	env := NewChip("Production", "")
	env.Custom = EnvColor("Production")
	natural(t, "chip_environment.png", env, size)
	natural(t, "chip_neutral.png", NewChip("no scopes", ""), size)
}

func TestChipTapsAndSizes(t *testing.T) {
	test.NewTempApp(t)
	tapped := 0
	c := NewChip("read", theme.ColorNamePrimary)
	if c.Cursor() != desktop.DefaultCursor {
		t.Error("a chip without an action shows a pointer")
	}
	c.OnTapped = func() { tapped++ }
	test.Tap(c)
	if tapped != 1 || c.Cursor() != desktop.PointerCursor {
		t.Errorf("tapped %d, cursor %v", tapped, c.Cursor())
	}
	short := c.MinSize().Width
	c.SetText("read, and much longer")
	if c.MinSize().Width <= short || c.Text != "read, and much longer" {
		t.Errorf("width %v after a longer text (was %v)", c.MinSize().Width, short)
	}
	withIcon := NewIconChip(theme.ConfirmIcon(), "read and much longer", theme.ColorNamePrimary)
	plain := NewChip("read and much longer", theme.ColorNamePrimary)
	if withIcon.MinSize().Width <= plain.MinSize().Width {
		t.Error("the icon takes no room")
	}
}

// ChipRow wraps chips onto more lines when the row is too narrow.
func TestChipRowWraps(t *testing.T) {
	test.NewTempApp(t)
	var chips []fyne.CanvasObject
	for _, s := range []string{"read", "update", "sec", "openid · sign-in only", "DomainApi · legacy"} {
		chips = append(chips, NewChip(s, theme.ColorNamePrimary))
	}
	row := ChipRow(chips...)
	snapshot(t, "chiprow_wrapped.png", row, fyne.NewSize(260, 120))
	if chips[0].Position().Y == chips[len(chips)-1].Position().Y {
		t.Error("the last chip did not wrap onto a second line")
	}
	one := row.MinSize().Height
	row.Resize(fyne.NewSize(2000, one))
	if chips[len(chips)-1].Position().Y != 0 {
		t.Error("a wide row still wraps")
	}
}

func TestSlotLooks(t *testing.T) {
	test.NewTempApp(t)
	size := fyne.NewSize(180, 60)
	snapshot(t, "slot_empty.png", NewSlot("Token", VerdictIcon(""), nil), size)
	s := NewSlot("API calls", VerdictIcon(check.Pass), nil)
	s.Set("API calls", "3/3 passed")
	snapshot(t, "slot_passed.png", s, size)
	f := NewSlot("Token", VerdictIcon(check.Fail), nil)
	f.Set("Token", "88 ms")
	snapshot(t, "slot_failed.png", f, size)
	// Too narrow: the title shortens with an ellipsis rather than widening the row.
	snapshot(t, "slot_narrow.png", NewSlot("Reachability", VerdictIcon(check.Warn), nil), fyne.NewSize(90, 60))
}

func TestSlotTextAndTap(t *testing.T) {
	test.NewTempApp(t)
	tapped := 0
	s := NewSlot("Token", VerdictIcon(""), func() { tapped++ })
	s.Set("Token", "96 ms")
	if s.Text != "Token  96 ms" {
		t.Errorf("text %q", s.Text)
	}
	s.Set("Token", "")
	if s.Text != "Token" {
		t.Errorf("text without detail %q", s.Text)
	}
	test.Tap(s)
	if tapped != 1 {
		t.Errorf("tapped %d", tapped)
	}
}

func TestCopyLabel(t *testing.T) {
	test.NewTempApp(t)
	l := NewCopyLabel()
	l.Set("svc-import", "svc-import")
	snapshot(t, "copylabel.png", l, fyne.NewSize(200, 44))
	var copied string
	var hovers []bool
	l.OnCopy = func(v string) { copied = v }
	l.OnHover = func(in bool) { hovers = append(hovers, in) }
	l.Set("3f2c8a9e-…", "3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c")
	test.Tap(l)
	l.MouseIn(nil)
	l.MouseOut()
	if copied != "3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c" || !reflect.DeepEqual(hovers, []bool{true, false}) || l.Cursor() != desktop.PointerCursor {
		t.Errorf("copied %q, hovers %v", copied, hovers)
	}
	l.Set("—", "")
	copied = ""
	test.Tap(l)
	if copied != "" || l.Cursor() != desktop.DefaultCursor {
		t.Error("an empty value was copied")
	}
}

func TestTipLabelAndButtonLook(t *testing.T) {
	test.NewTempApp(t)
	natural(t, "tiplabel.png", NewTipLabel("SCOPES", fyne.TextStyle{Bold: true}, "What the token may do"), fyne.NewSize(160, 44))
	natural(t, "tipbutton.png", NewTipButton("Edit", theme.DocumentCreateIcon(), "Edit this profile", nil), fyne.NewSize(120, 52))
	b := NewTipButton("", theme.MoreVerticalIcon(), "More actions", nil)
	if b.ToolTip() != "More actions" {
		t.Errorf("tooltip %q", b.ToolTip())
	}
}

func TestVerdictIconsAndColours(t *testing.T) {
	test.NewTempApp(t)
	row := container.NewHBox()
	for _, v := range []check.Verdict{check.Pass, check.Warn, check.Fail, check.Skipped, ""} {
		row.Add(container.NewGridWrap(fyne.NewSize(24, 24), widget.NewIcon(VerdictIcon(v))))
	}
	natural(t, "verdicts.png", row, fyne.NewSize(160, 44))
	for v, want := range map[check.Verdict]fyne.ThemeColorName{check.Pass: theme.ColorNameSuccess, check.Warn: theme.ColorNameWarning, check.Fail: theme.ColorNameError, check.Skipped: theme.ColorNameDisabledButton} {
		if got := VerdictColor(v); got != want {
			t.Errorf("VerdictColor(%q) = %q", v, got)
		}
	}
	if EnvColor("prod") != EnvColor("Production") || EnvColor("qa") == EnvColor("Production") || EnvColor("something") == (color.NRGBA{}) {
		t.Error("environment colours")
	}
}

// shownTip is the tooltip drawn in w's tooltip layer ("" for none).
func shownTip(w fyne.Window) string {
	var walk func(o fyne.CanvasObject) string
	walk = func(o fyne.CanvasObject) string {
		if reflect.TypeOf(o).String() == "*internal.ToolTip" {
			return reflect.ValueOf(o).Elem().FieldByName("Text").String()
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				if s := walk(x); s != "" {
					return s
				}
			}
		}
		return ""
	}
	return walk(w.Canvas().Content())
}

// HideToolTips hides the tooltip of the widget the pointer rests on, and one still
// waiting for its delay never shows: what the window does when it changes screens.
func TestHideToolTips(t *testing.T) {
	loop, a := fyneloop.Use(t)
	b := NewTipButton("Edit", theme.DocumentCreateIcon(), "Edit this profile", nil)
	chip := NewChip("read", theme.ColorNameSuccess)
	chip.SetToolTip("read: read-only data access.")
	w := a.NewWindow("tips")
	t.Cleanup(w.Close)
	w.SetContent(fynetooltip.AddWindowToolTipLayer(container.NewVBox(b, chip), w.Canvas()))
	w.Resize(fyne.NewSize(300, 200))
	rest := func(o fyne.CanvasObject) {
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(fyne.NewPos(3, 3))
		o.(desktop.Hoverable).MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos}})
	}
	wait := func() string {
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			loop.Pump()
			if s := shownTip(w); s != "" {
				return s
			}
			time.Sleep(20 * time.Millisecond)
		}
		return ""
	}
	for _, o := range []fyne.CanvasObject{b, chip} {
		rest(o)
		if got := wait(); got == "" {
			t.Fatalf("%T: no tooltip", o)
		}
		HideToolTips()
		if got := shownTip(w); got != "" {
			t.Errorf("%T: tooltip %q still shown", o, got)
		}
		o.(desktop.Hoverable).MouseOut()
	}
	// Pending: hidden before its delay is over, it never shows.
	rest(b)
	HideToolTips()
	time.Sleep(1200 * time.Millisecond) // longer than the library's delay
	loop.Pump()
	if got := shownTip(w); got != "" {
		t.Errorf("a pending tooltip showed after HideToolTips: %q", got)
	}
}
