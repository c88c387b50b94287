package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// What a screen reader gets: the elements Fyne 2.8.1's walker exposes (built with
// -tags accessibility on Windows and macOS), listed as the walker would see them, each
// interactive one with a label that says what it is and does.

// meaningless matches labels that say nothing to a listener: an icon's file name, a
// lone symbol or mark.
var meaningless = regexp.MustCompile(`(?i)\.(svg|png)$|^[\s\p{S}\p{P}]*$`)

// screenReaderView lists the walker's elements under root ("role: label" per line) and
// reports every interactive control on the walker's way that it cannot name: not
// exposed at all (not fyne.Accessible), or exposed with an empty or meaningless label.
func screenReaderView(root fyne.CanvasObject) (lines, bad []string) {
	for _, e := range widgets.AccessibleElements(root) {
		lines = append(lines, fmt.Sprintf("%s: %s", e.Role, e.Label))
		if e.Role == fyne.AccessibleRoleButton || e.Role == fyne.AccessibleRoleLink {
			if meaningless.MatchString(strings.TrimSpace(e.Label)) {
				bad = append(bad, fmt.Sprintf("%s labelled %q", describe(e.Object), e.Label))
			}
		}
	}
	// The walker goes into plain containers only: every control it passes on the way
	// must expose itself.
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if isInteractive(o) {
			if _, ok := o.(fyne.Accessible); !ok {
				bad = append(bad, describe(o)+" is not exposed (no fyne.Accessible)")
			}
		}
		switch c := o.(type) {
		case *fyne.Container:
			for _, x := range c.Objects {
				walk(x)
			}
		case *widgets.Scroll:
			// A pane reads out what the walker would expose in it: a control there that
			// is not exposed is missing from that text.
			walk(c.Content)
		case *windowScroll:
			walk(c.Content)
		}
	}
	walk(root)
	return lines, bad
}

// isInteractive reports whether o is a control a user acts on.
func isInteractive(o fyne.CanvasObject) bool {
	if _, ok := o.(fyne.Focusable); ok {
		if d, ok := o.(fyne.Disableable); ok && d.Disabled() {
			// Some widgets here are no Tab stop while they have nothing to do (an empty
			// list, a chip that only shows); a disabled button is still a button.
			switch o.(type) {
			case *widgets.Chip, *widgets.CopyLabel, *widgets.Slot, *widgets.Scroll, *escList, *keyTable:
				return false
			}
		}
		return true
	}
	_, tappable := o.(fyne.Tappable)
	return tappable && pressable(o)
}

func TestScreenReaderLabels(t *testing.T) {
	look := func(where string, root fyne.CanvasObject) []string {
		t.Helper()
		lines, bad := screenReaderView(root)
		for _, b := range bad {
			t.Errorf("%s: %s", where, b)
		}
		if len(lines) == 0 {
			t.Errorf("%s: the walker reaches nothing", where)
		}
		return lines
	}
	e := newEnv(t, Deps{})
	look("welcome", e.u.win.Canvas().Content())

	for _, tc := range []struct {
		name string
		run  check.Report
		p    profiles.Profile
	}{
		{"healthy", healthyReport(), acme()},
		{"failing", scopeFailReport(), acme()},
	} {
		e := newEnv(t, Deps{Run: replayRun(tc.run)}, tc.p)
		u := e.u
		u.StartRun()
		u.Wait()
		for i, it := range u.run.tabs.Items {
			u.run.tabs.SelectIndex(i)
			u.Wait()
			lines := look(tc.name+", "+it.Text, u.win.Canvas().Content())
			all := strings.Join(lines, "\n")
			// The verdicts in words, the identity, the tabs and their state.
			for _, want := range []string{"button: " + it.Text + " tab, " + fmt.Sprint(i+1) + " of 6, selected", "button: Test this Trusted App"} {
				if !strings.Contains(all, want) {
					t.Errorf("%s, %s: the walker does not read %q:\n%s", tc.name, it.Text, want, all)
				}
			}
			if tc.name == "failing" && !strings.Contains(all, "button: Token: failed, invalid_scope") {
				t.Errorf("failing: the Token step is not read with its verdict:\n%s", all)
			}
			if tc.name == "healthy" && !strings.Contains(all, "System User: svc-import") {
				t.Errorf("healthy: the identity card is not read:\n%s", all)
			}
		}
		if tc.name == "healthy" {
			t.Logf("what a screen reader gets (healthy run, Claims tab):\n%s", strings.Join(look("healthy", u.win.Canvas().Content()), "\n"))
		}
	}

	e = newEnv(t, Deps{}, acme())
	e.u.EditCurrent()
	look("editor", e.u.win.Canvas().Content())
	e.u.Compare()
	e.u.Wait()
	look("compare", e.u.win.Canvas().Content())
	e.u.ExplainError()
	look("explain", e.u.win.Canvas().Content())
}

// The check can fail: Fyne's icon-only button says its icon's file name, an entry and
// a list say nothing.
func TestScreenReaderCheckCatches(t *testing.T) {
	newEnv(t, Deps{})
	_, bad := screenReaderView(fyneOnly())
	if len(bad) != 3 {
		t.Fatalf("want the icon button, the entry and the list caught, got %q", bad)
	}
}

// fyneOnly is Fyne's own controls without the app's labels.
func fyneOnly() fyne.CanvasObject {
	list := widget.NewList(func() int { return 1 }, func() fyne.CanvasObject { return widget.NewLabel("row") }, func(widget.ListItemID, fyne.CanvasObject) {})
	return container.NewVBox(widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() {}), widget.NewEntry(), list)
}
