package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// accessible replaces the colours of Fyne's default theme whose text falls short of
// WCAG AA (4.5:1): in the light theme (Windows' default) the bright green, orange and
// red status colours carried white text at 1.5:1, 2.2:1 and 3.7:1, the blue of primary
// buttons and links 4.0:1 and placeholders 3.5:1; in the dark theme white text on the
// blue and links at 4.5:1 on the background. TestThemeContrast computes every pair.
//
// Fyne draws low-importance labels (notes, finding codes, History's count) in the
// disabled colour, 1.3:1 (light) and 1.6:1 (dark) on the window: the disabled colour
// here reads at 4.5:1 or more on every surface, disabled buttons included. Disabled
// controls stay told apart by their grey text against the foreground's near black (or
// white), and a disabled primary button by its grey fill.
//
// The keyboard focus ring (focus.go) has its own colour: black in the light theme and
// white in the dark one, at 3:1 or more against every surface it is drawn on, a
// selected list row included.
var accessible = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNameSuccess:             color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff},
		theme.ColorNameWarning:             color.NRGBA{R: 0x9a, G: 0x5b, B: 0x00, A: 0xff},
		theme.ColorNameError:               color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
		theme.ColorNamePrimary:             color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.White,
		theme.ColorNamePlaceHolder:         color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff},
		theme.ColorNameDisabled:            color.NRGBA{R: 0x6e, G: 0x6e, B: 0x6e, A: 0xff},
		colorNameFocusRing:                 color.NRGBA{A: 0xff},
	},
	theme.VariantDark: {
		theme.ColorNameError:               color.NRGBA{R: 0xff, G: 0x6b, B: 0x5e, A: 0xff},
		theme.ColorNamePrimary:             color.NRGBA{R: 0x64, G: 0xa0, B: 0xff, A: 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{R: 0x64, G: 0xa0, B: 0xff, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
		theme.ColorNameDisabled:            color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff},
		colorNameFocusRing:                 color.White,
	},
}

// appTheme is Fyne's default theme with the accessible colours above. A theme made
// with a fixed variant (the snapshot tests) ignores the user's light/dark setting.
type appTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
	fixed   bool
}

// NewTheme is the app's theme, following the system's light or dark preference.
func NewTheme() fyne.Theme { return &appTheme{Theme: theme.DefaultTheme()} }

// themeVariant is the app's theme always in one variant.
func themeVariant(v fyne.ThemeVariant) fyne.Theme {
	return &appTheme{Theme: theme.DefaultTheme(), variant: v, fixed: true}
}

// Color implements fyne.Theme.
func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.fixed {
		v = t.variant
	}
	if c, ok := accessible[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}
