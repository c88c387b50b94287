package ui

import (
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// sidebar is the profile list with search, and the New / Import / Export actions.
type sidebar struct {
	u        *UI
	search   *widget.Entry
	list     *widget.List
	shown    []profiles.Profile
	content  fyne.CanvasObject
	updating bool
}

func newSidebar(u *UI) *sidebar {
	s := &sidebar{u: u}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder("Search profiles (" + keyHint("F") + ")")
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = func(string) { s.refresh() }
	s.list = widget.NewList(
		func() int { return len(s.shown) },
		func() fyne.CanvasObject {
			dot := canvas.NewCircle(theme.Color(theme.ColorNamePrimary))
			dotBox := container.NewGridWrap(fyne.NewSize(10, 10), dot)
			name := widget.NewLabelWithStyle("profile name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			env := widget.NewLabel("environment")
			env.SizeName = theme.SizeNameCaptionText
			env.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.NewCenter(dotBox), nil,
				container.New(layout.NewCustomPaddedVBoxLayout(-12), name, env))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(s.shown) {
				return
			}
			p := s.shown[id]
			row := o.(*fyne.Container)
			texts := row.Objects[0].(*fyne.Container).Objects
			texts[0].(*widget.Label).SetText(p.Name)
			env := p.Environment
			if env == "" {
				env = "No environment"
			}
			if p.Sandbox && !strings.EqualFold(env, profiles.EnvSandbox) {
				env += " · sandbox"
			}
			texts[1].(*widget.Label).SetText(env)
			dot := row.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*canvas.Circle)
			dot.FillColor = widgets.EnvColor(p.Environment)
			dot.Refresh()
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		if s.updating || id >= len(s.shown) {
			return
		}
		if s.shown[id].Name != u.current {
			u.selectProfile(s.shown[id].Name)
		}
	}
	title := widget.NewLabelWithStyle(Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	newBtn := widgets.NewTipButton("New", theme.ContentAddIcon(), "New profile ("+keyHint("N")+")", u.NewProfile)
	newBtn.Importance = widget.HighImportance
	importBtn := widget.NewButtonWithIcon("Import", theme.DownloadIcon(), s.importProfiles)
	exportBtn := widget.NewButtonWithIcon("Export", theme.UploadIcon(), func() { s.exportProfiles(nil) })
	bottom := container.NewGridWithColumns(3, newBtn, importBtn, exportBtn)
	s.content = container.NewBorder(container.NewVBox(title, s.search), bottom, nil, nil, s.list)
	return s
}

// refresh re-filters the list by the search text.
func (s *sidebar) refresh() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	s.shown = s.shown[:0]
	for _, p := range s.u.profiles {
		hay := strings.ToLower(p.Name + " " + p.Environment + " " + p.InstanceURL + " " + p.ClientID)
		if q == "" || strings.Contains(hay, q) {
			s.shown = append(s.shown, p)
		}
	}
	s.list.Refresh()
	s.markSelected(s.u.current)
}

func (s *sidebar) markSelected(name string) {
	s.updating = true
	defer func() { s.updating = false }()
	for i, p := range s.shown {
		if p.Name == name {
			s.list.Select(i)
			return
		}
	}
	s.list.UnselectAll()
}

// importProfiles asks for a bundle file and imports it on a goroutine.
func (s *sidebar) importProfiles() {
	u := s.u
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError("Could not open the file", err, "Choose a profile bundle exported by this app or by trustedapp-check profiles export.")
			return
		}
		if rc == nil {
			return
		}
		s.importFrom(rc)
	}, u.win)
	d.Show()
}

// exportProfiles saves names (all profiles when nil) as a bundle, without secrets.
func (s *sidebar) exportProfiles(names []string) {
	u := s.u
	if names == nil {
		for _, p := range u.profiles {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		u.showMessage("Nothing to export", "There are no profiles yet. Create one with New first.")
		return
	}
	u.saveFile("trustedapp-profiles.json", func(wc fyne.URIWriteCloser) { s.exportTo(wc, names) })
}

// importFrom imports the bundle rc on a goroutine and closes it (the file dialog's
// callback; tests call it with a file reader).
func (s *sidebar) importFrom(rc fyne.URIReadCloser) {
	u := s.u
	u.background(func() {
		defer rc.Close()
		added, err := u.deps.Store.Import(rc)
		fyne.Do(func() {
			if err != nil {
				u.showError("Could not import "+rc.URI().Name(), err, "The file must be a profile bundle (JSON) exported by Trusted App Tester. Nothing was changed.")
				return
			}
			if len(added) == 0 {
				u.showMessage("Nothing imported", "Every profile in "+rc.URI().Name()+" already exists here. Rename or delete the local ones to import them again.")
				u.Reload("")
				return
			}
			u.showMessage("Profiles imported", fmt.Sprintf("Imported %d profile(s): %s. Their client secrets are not part of an export: open each one, press Edit and paste the secret.", len(added), strings.Join(added, ", ")))
			u.Reload(added[0])
		})
	})
}

// exportTo writes the names' bundle to wc on a goroutine and closes it.
func (s *sidebar) exportTo(wc fyne.URIWriteCloser, names []string) {
	s.u.writeFile(wc, func(w io.Writer) error { return s.u.deps.Store.Export(w, names) },
		"Could not export the profiles", func(path string) string {
			return fmt.Sprintf("Exported %d profile(s) to %s (client secrets are never exported).", len(names), path)
		})
}
