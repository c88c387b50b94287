package ui

import (
	"image"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The fleet view in Bulgarian: its words, its dialogs and its file, within the
// smallest window.

// bulgarianFleet opens the fleet view of the fixture with the system in Bulgarian, the
// rows sorted worst first and a drifted row current (as the snapshot shows it).
func bulgarianFleet(t *testing.T) *env {
	t.Helper()
	inBulgarianSystem(t)
	ps, log := fleetFixture()
	e := newEnv(t, Deps{History: log}, ps...)
	e.u.Fleet()
	e.u.Wait()
	s := e.u.fleet
	s.sortBy(colVerdict)
	s.sortBy(colVerdict)
	s.table.Select(widget.TableCellID{Row: 4, Col: colName})
	e.u.win.Resize(fyne.NewSize(1024, 700))
	return e
}

// TestFleetInBulgarian: the fleet view's controls, cells, detail panel and what a
// screen reader hears are Bulgarian, no English word of the view is left, and the
// window still fits 1024 px.
func TestFleetInBulgarian(t *testing.T) {
	e := bulgarianFleet(t)
	s := e.u.fleet
	got := texts(e.u.win.Canvas().Content()) + "\n" + s.failing.Text + "\n" + s.tokenOnly.Text
	for c := colName; c < fleetCols; c++ {
		got += "\n" + s.sortTitle(c)
	}
	for _, l := range s.shown {
		got += "\n" + strings.Join(l.cells[:], "\n")
	}
	for _, w := range []string{"Всички профили", "Тествай видимите (9)", "Тествай избраните (1)", "Само проблемни", "Production: само токен",
		"Ред: Резултат", "Резултат ↓", "Действа като (системен потребител)", "Възраст на тайната",
		"Промени след последния успех", "Неуспех", "Успех", "преди ", "Последно изпълнение ", "предоставени обхвати:",
		"Промени след последното успешно изпълнение", "Предоставени обхвати беше read update, сега read", "Тайна: зададена на", "Към изпълнението  (Enter)", "Тествай"} {
		if !strings.Contains(got, w) {
			t.Errorf("the fleet view lacks %q:\n%s", w, got)
		}
	}
	for _, en := range []string{"Fleet: every profile", "Test all shown", "Test selected", "Failing only", "Last verdict",
		"Passed", "Failed", "Warnings", "Never tested", " ago", "Last run", "Secret:", "Drift", "Sort:", "Scopes granted"} {
		if strings.Contains(got, en) {
			t.Errorf("the fleet view still says %q in English:\n%s", en, got)
		}
	}
	if w := e.u.Content().MinSize().Width; w > 1024 {
		t.Errorf("the fleet view needs %.0f px in Bulgarian, more than the smallest window (1024)", w)
	}
	if a := s.table.AccessibilityLabel(); !strings.HasPrefix(a, "Таблица на профилите, 9 профила; ред 5 от 9: ") || !strings.HasSuffix(a, "Стрелките местят, Enter отваря, интервалът отмята.") {
		t.Errorf("the screen reader hears %q", a)
	}
}

// TestFleetDialogsInBulgarian: the production question, the export dialog and the
// exported table's title, notes and column titles are Bulgarian (the file is the table
// as shown: its cells are the screen's).
func TestFleetDialogsInBulgarian(t *testing.T) {
	e := bulgarianFleet(t)
	s := e.u.fleet
	s.tokenOnly.SetChecked(false)
	s.start([]string{"Acme · nightly import"})
	if d := topDialog(e.u); !strings.Contains(d, "1 профил, отбелязан като Production, ще изпълни своите извиквания на API") ||
		!strings.Contains(d, "Извиквания на API в продукционна среда?") || !strings.Contains(d, "Изпълни извикванията") {
		t.Errorf("the production question: %q", d)
	}
	test.Tap(findButton(t, e.u.win.Canvas().Overlays().Top(), "Отказ"))
	if s.test != nil {
		t.Fatal("Отказ started the test")
	}
	s.export()
	if d := topDialog(e.u); !strings.Contains(d, "Експорт на таблицата на профилите") || !strings.Contains(d, "Таблицата, както е показана") {
		t.Errorf("the export dialog: %q", d)
	}
	closeDialogs(e.u)
	tb := s.fleetTable()
	if !strings.HasPrefix(tb.Title, "Доверени приложения, ") || len(tb.Columns) == 0 || tb.Columns[0] != "Име" || tb.Columns[2] != "Резултат" {
		t.Errorf("the file's title and columns: %q %q", tb.Title, tb.Columns)
	}
	if len(tb.Notes) != 2 || !strings.HasPrefix(tb.Notes[0], "Показани: 9 от 9 профила; подредени по „Резултат“.") {
		t.Errorf("the file's notes: %q", tb.Notes)
	}
}

// TestFleetBulgarianSnapshot: the fleet view in Bulgarian at the smallest supported
// size, light, as the English snapshot shows it (worst first, a drifted row current,
// one row ticked).
func TestFleetBulgarianSnapshot(t *testing.T) {
	const file = "fleet_bg_light.png"
	shot := func() image.Image {
		e := bulgarianFleet(t)
		e.u.fleet.toggleMark(1)
		applyTheme(t, e.u, themeVariant(theme.VariantLight))
		w := e.u.Window()
		// The second layout pass of the Bulgarian snapshots (screen, snapshot_test.go).
		w.Resize(fyne.NewSize(1025, 700))
		w.Resize(fyne.NewSize(1024, 700))
		w.Canvas().Unfocus()
		return w.Canvas().Capture()
	}
	assertSnapshot(t, file, shot)
}
