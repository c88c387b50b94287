package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fleetScreenImage renders the fleet view of the fixture at size with th, the
// current row on a failure with its detail below.
func fleetScreenImage(t *testing.T, th fyne.Theme, size fyne.Size) image.Image {
	t.Helper()
	ps, log := fleetFixture()
	e := newEnv(t, Deps{History: log}, ps...)
	e.u.Fleet()
	e.u.Wait()
	e.u.fleet.sortBy(colVerdict)
	e.u.fleet.sortBy(colVerdict) // worst first
	e.u.fleet.table.Select(widget.TableCellID{Row: 0, Col: colName})
	e.u.fleet.toggleMark(1)
	test.ApplyTheme(t, th)
	w := e.u.Window()
	w.Resize(size)
	w.Canvas().Unfocus()
	return w.Canvas().Capture()
}

func TestFleetSnapshotDraft(t *testing.T) {
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		img := fleetScreenImage(t, themeVariant(v), fyne.NewSize(1280, 800))
		f, _ := os.Create(filepath.Join("/tmp/h20f", "fleet"+string(rune('0'+v))+".png"))
		png.Encode(f, img)
		f.Close()
	}
}
