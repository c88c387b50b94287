package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fleetScreenImage renders the fleet view of the fixture at size with th: the worst
// verdicts first, the current row a drifted one with its changes below, one row
// ticked.
func fleetScreenImage(t *testing.T, th fyne.Theme, size fyne.Size) image.Image {
	t.Helper()
	ps, log := fleetFixture()
	e := newEnv(t, Deps{History: log}, ps...)
	e.u.Fleet()
	e.u.Wait()
	s := e.u.fleet
	s.sortBy(colVerdict)
	s.sortBy(colVerdict)                                     // worst first
	s.table.Select(widget.TableCellID{Row: 4, Col: colName}) // drifted: its changes below
	s.toggleMark(1)
	applyTheme(t, e.u, th)
	w := e.u.Window()
	w.Resize(size)
	w.Canvas().Unfocus()
	return w.Canvas().Capture()
}

// Image snapshots of the fleet view in light and dark at the smallest supported size.
func TestFleetSnapshots(t *testing.T) {
	for _, tc := range []struct {
		theme fyne.Theme
		file  string
	}{
		{themeVariant(theme.VariantLight), "fleet_light.png"},
		{themeVariant(theme.VariantDark), "fleet_dark.png"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			assertSnapshot(t, tc.file, func() image.Image { return fleetScreenImage(t, tc.theme, fyne.NewSize(1024, 700)) })
		})
	}
}

// TestScreenshotsFleet writes the README's fleet screenshots at 1280x800 when
// TRUSTEDAPP_SCREENSHOTS names a directory (make screenshots runs it with
// TestScreenshots).
func TestScreenshotsFleet(t *testing.T) {
	dir := os.Getenv("TRUSTEDAPP_SCREENSHOTS")
	if dir == "" {
		t.Skip("set TRUSTEDAPP_SCREENSHOTS=DIR to write the screenshots")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir)
	}
	for _, s := range []struct {
		theme fyne.Theme
		file  string
	}{
		{themeVariant(theme.VariantLight), "screenshot-fleet-light.png"},
		{themeVariant(theme.VariantDark), "screenshot-fleet-dark.png"},
	} {
		img := fleetScreenImage(t, s.theme, fyne.NewSize(1280, 800))
		f, err := os.Create(filepath.Join(dir, s.file))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", filepath.Join(dir, s.file))
	}
}
