package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).(color.NRGBA).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours (1 to 21).
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// lowContrast lists every text/background pair the app draws with th in variant v
// that falls below WCAG AA's 4.5:1.
func lowContrast(th fyne.Theme, v fyne.ThemeVariant) []string {
	col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	var bad []string
	check := func(what string, fg, bg color.Color) {
		if r := contrast(fg, bg); r < 4.5 {
			bad = append(bad, fmt.Sprintf("%s %.2f:1", what, r))
		}
	}
	// Text on the surfaces it is drawn on.
	for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground,
		theme.ColorNameHeaderBackground, theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground,
		theme.ColorNameButton, theme.ColorNameDisabledButton} {
		check(fmt.Sprintf("foreground on %s", bg), col(theme.ColorNameForeground), col(bg))
	}
	for _, bg := range []fyne.ThemeColorName{theme.ColorNameInputBackground, theme.ColorNameBackground} {
		check(fmt.Sprintf("placeholder on %s", bg), col(theme.ColorNamePlaceHolder), col(bg))
	}
	// Fyne draws low-importance labels (notes, finding codes) in the disabled colour, on
	// every surface; disabled buttons' text too.
	for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground,
		theme.ColorNameHeaderBackground, theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground,
		theme.ColorNameButton, theme.ColorNameDisabledButton} {
		check(fmt.Sprintf("low-importance (disabled) text on %s", bg), col(theme.ColorNameDisabled), col(bg))
	}
	// Status text (warning and danger labels, verdicts, links) on the window and in dialogs.
	for _, fg := range []fyne.ThemeColorName{theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError,
		theme.ColorNamePrimary, theme.ColorNameHyperlink} {
		for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameOverlayBackground} {
			check(fmt.Sprintf("%s text on %s", fg, bg), col(fg), col(bg))
		}
	}
	// Filled chips and primary buttons: the "on" colour on the fill.
	for _, fill := range []fyne.ThemeColorName{theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError,
		theme.ColorNamePrimary, theme.ColorNameDisabledButton} {
		check(fmt.Sprintf("chip text on %s", fill), col(widgets.OnColor(fill)), col(fill))
	}
	// Environment chips: white text on their fixed colours.
	for _, env := range []string{profiles.EnvProduction, profiles.EnvTest, profiles.EnvSandbox, "Other"} {
		check(fmt.Sprintf("environment chip %q", env), color.White, widgets.EnvColor(env))
	}
	return bad
}

func TestThemeContrast(t *testing.T) {
	test.NewTempApp(t)
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		if bad := lowContrast(themeVariant(v), v); len(bad) > 0 {
			t.Errorf("variant %d: below WCAG AA 4.5:1: %q", v, bad)
		}
	}
	// The check can fail: Fyne's own light theme fails it (the white-on-green scope
	// chips this theme exists for).
	bad := lowContrast(theme.DefaultTheme(), theme.VariantLight)
	if len(bad) == 0 {
		t.Fatal("Fyne's default light theme passes: the contrast check checks nothing")
	}
	found := false
	for _, b := range bad {
		found = found || len(b) > 24 && b[:24] == "chip text on success 1.4"
	}
	if !found {
		t.Errorf("Fyne's white on bright green was not caught: %q", bad)
	}
}

func TestAppUsesTheAccessibleTheme(t *testing.T) {
	e := newEnv(t, Deps{})
	_ = e
	got := fyne.CurrentApp().Settings().Theme().Color(theme.ColorNameSuccess, theme.VariantLight)
	if contrast(got, color.White) < 4.5 {
		t.Fatalf("the app's success colour %v carries white text at %.2f:1", got, contrast(got, color.White))
	}
}

// over is fg drawn over the opaque bg (Fyne's translucent hover and selection tints).
func over(fg, bg color.Color) color.Color {
	f := color.NRGBAModel.Convert(fg).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(f.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*a + float64(y)*(1-a) + 0.5) }
	return color.NRGBA{R: mix(f.R, b.R), G: mix(f.G, b.G), B: mix(f.B, b.B), A: 0xff}
}

// weakFocus lists where th's keyboard focus is shown below WCAG 2.2's 3:1 in variant v:
// the ring (focus.go) against every surface it is drawn on. It sits 3 px outside a
// control, on the surface the control sits on (the window, a dialog, the header, a
// menu, a field); around a list row or table cell it sits just inside, on the row's
// tint: the hover tint of the highlight, or the selection (a focused row that is also
// selected showed nothing before the ring).
func weakFocus(th fyne.Theme, v fyne.ThemeVariant) []string {
	col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	ring := col(colorNameFocusRing)
	var bad []string
	check := func(what string, bg color.Color) {
		if r := contrast(over(ring, bg), bg); r < 3 {
			bad = append(bad, fmt.Sprintf("ring on %s %.2f:1", what, r))
		}
	}
	for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameOverlayBackground,
		theme.ColorNameHeaderBackground, theme.ColorNameMenuBackground, theme.ColorNameInputBackground} {
		check(string(bg), col(bg))
	}
	for _, base := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameOverlayBackground} {
		check("a highlighted row on "+string(base), over(col(theme.ColorNameHover), col(base)))
		check("a selected row on "+string(base), over(col(theme.ColorNameSelection), col(base)))
	}
	return bad
}

// The focus ring is seen in both themes, where Fyne's own focus tint is not: on the
// blue primary button it blends the focus colour over the same blue.
func TestFocusRingContrast(t *testing.T) {
	test.NewTempApp(t)
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := themeVariant(v)
		if bad := weakFocus(th, v); len(bad) > 0 {
			t.Errorf("variant %d: focus below 3:1: %q", v, bad)
		}
		// What the ring is for: Fyne's tint on a focused primary button.
		primary := th.Color(theme.ColorNamePrimary, v)
		tinted := over(th.Color(theme.ColorNameFocus, v), primary)
		if r := contrast(tinted, primary); r >= 3 {
			t.Errorf("variant %d: Fyne's focused primary button changes by %.2f:1; the ring would not be needed", v, r)
		}
	}
	// The check can fail: Fyne's theme has no ring colour (transparent).
	if bad := weakFocus(theme.DefaultTheme(), theme.VariantLight); len(bad) == 0 {
		t.Fatal("a theme without a ring passes: the check checks nothing")
	}
}
