package ui

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"trustedapp-tester/profiles"
)

// Every character on screen is in a font the app ships: Fyne draws one that none has as
// a box or a "�" (the EXPIRES line said "reused token (� → …)": no shipped font has
// the ⋮ of the More actions button). The window's fonts are Fyne's: the text faces
// and the symbol font it falls back to.

// shippedFonts are Fyne's bundled faces.
func shippedFonts(t *testing.T) []*font.Face {
	t.Helper()
	var faces []*font.Face
	for _, r := range []fyne.Resource{theme.DefaultTextFont(), theme.DefaultTextBoldFont(), theme.DefaultTextItalicFont(),
		theme.DefaultTextBoldItalicFont(), theme.DefaultTextMonospaceFont(), theme.DefaultSymbolFont()} {
		f, err := font.ParseTTF(bytes.NewReader(r.Content()))
		if err != nil {
			t.Fatalf("%s: %v", r.Name(), err)
		}
		faces = append(faces, f)
	}
	return faces
}

// drawnTexts is the text of every canvas.Text shown under o.
func drawnTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t.Text)
		}
		for _, c := range children(o) {
			walk(c)
		}
	}
	walk(o)
	return out
}

// missingGlyphs lists the characters of texts that no face has.
func missingGlyphs(faces []*font.Face, texts []string) []string {
	var bad []string
	seen := map[rune]bool{}
	for _, s := range texts {
		for _, r := range s {
			if seen[r] || r < ' ' {
				continue
			}
			seen[r] = true
			// macOS names its keys with symbols its own fonts have (⌘↩); Fyne falls back
			// to them there.
			if runtime.GOOS == "darwin" && strings.ContainsRune("⌘⇧⌃⌥↩", r) {
				continue
			}
			found := false
			for _, f := range faces {
				if _, ok := f.NominalGlyph(r); ok {
					found = true
					break
				}
			}
			if !found {
				bad = append(bad, string(r)+" in "+s)
			}
		}
	}
	return bad
}

func TestTextHasGlyphs(t *testing.T) {
	faces := shippedFonts(t)
	// A run that reused a cached token: the card says so beside the countdown.
	rep := healthyReport()
	tok := *rep.Token
	tok.FromCache = true
	rep.Token = &tok
	for _, tc := range []struct {
		name string
		deps Deps
		open func(u *UI)
	}{
		{"a reused token", Deps{Run: replayRun(rep)}, func(u *UI) { u.StartRun() }},
		{"a failed run", Deps{Run: replayRun(scopeFailReport())}, func(u *UI) { u.StartRun() }},
		{"the editor", Deps{}, func(u *UI) { u.EditCurrent() }},
		{"the shortcuts", Deps{}, func(u *UI) { u.ShowShortcuts() }},
	} {
		e := newEnv(t, tc.deps, profiles.Profile(acme()))
		tc.open(e.u)
		e.u.Wait()
		root := e.u.win.Canvas().Content()
		if o := e.u.win.Canvas().Overlays().Top(); o != nil {
			root = o
		}
		for _, b := range missingGlyphs(faces, drawnTexts(root)) {
			t.Errorf("%s: no shipped font has %s", tc.name, b)
		}
	}
	// The check can fail.
	if bad := missingGlyphs(faces, []string{"reused token (⋮ → Test with a fresh token)"}); len(bad) != 1 {
		t.Errorf("the ⋮ was not caught: %q", bad)
	}
}
