package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/desk"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// sidebar is the profile list with search, and the New / Import / Export actions.
type sidebar struct {
	sh       sidebarShell
	desk     sidebarDesk
	search   *dialogEntry
	list     *escList
	shown    []profiles.Profile
	content  fyne.CanvasObject
	updating bool
	moves    []profiles.SecretMove // of the import in progress (import_moves.go)
}

// sidebarShell is what the profile list needs of the window.
type sidebarShell interface {
	notifier
	window() fyne.Window
	selectProfile(name string)
	NewProfile()
	Reload(name string)
	saveFile(name string, write func(fyne.URIWriteCloser))
	openFile(read func(fyne.URIReadCloser))
	// importFinished says what an import did and offers to set the secrets it lacks.
	importFinished(file string, res profiles.ImportResult)
	// escape is the window's Esc (cancel the run, close a tool screen): the search box
	// and the list keep the keyboard after a click and pass Esc on to it.
	escape()
}

// sidebarDesk is what the profile list asks of the desk.
type sidebarDesk interface {
	Profiles() []profiles.Profile
	Selected() string
	ReadImport(rc fyne.URIReadCloser, done func(desk.ImportFile)) *desk.Op
	Import(data []byte, decide func(name string) profiles.ConflictAction, done func(desk.Imported)) *desk.Op
	ExportProfiles(wc fyne.URIWriteCloser, names []string, done func(desk.Written)) *desk.Op
}

func newSidebar(sh sidebarShell, d sidebarDesk) *sidebar {
	s := &sidebar{sh: sh, desk: d}
	passEscape := func() {
		sh.window().Canvas().Unfocus()
		sh.escape()
	}
	s.search = newDialogEntry(passEscape)
	s.search.SetPlaceHolder(lang.X("app.sidebar.search", "Search profiles") + " (" + keyHint("F") + ")")
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = func(string) { s.refresh() }
	s.search.name = lang.X("app.sidebar.search", "Search profiles")
	s.list = newEscList(passEscape,
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
				env = lang.X("app.env.none", "No environment")
			}
			if p.Sandbox && !strings.EqualFold(env, profiles.EnvSandbox) {
				env += " · " + lang.X("app.sidebar.sandbox", "sandbox")
			}
			texts[1].(*widget.Label).SetText(env)
			dot := row.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*canvas.Circle)
			dot.FillColor = widgets.EnvColor(p.Environment)
			dot.Refresh()
		},
	)
	s.list.spoken = s.spoken
	s.list.OnSelected = func(id widget.ListItemID) {
		if s.updating || id >= len(s.shown) {
			return
		}
		if s.shown[id].Name != d.Selected() {
			sh.selectProfile(s.shown[id].Name)
		}
	}
	title := widget.NewLabelWithStyle(Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	newBtn := widgets.NewTipButton(lang.X("app.sidebar.new", "New"), theme.ContentAddIcon(), lang.X("app.menu.new_profile", "New profile")+" ("+keyHint("N")+")", sh.NewProfile)
	newBtn.Importance = widget.HighImportance
	importBtn := newButton(lang.X("app.sidebar.import", "Import"), theme.DownloadIcon(), s.importProfiles)
	exportBtn := newButton(lang.X("app.sidebar.export", "Export"), theme.UploadIcon(), func() { s.exportProfiles(nil) })
	bottom := container.NewGridWithColumns(3, newBtn, importBtn, exportBtn)
	// In reading order, so that Tab goes from the search to the list, then the buttons.
	s.content = inOrderBorder(container.NewVBox(title, s.search), bottom, s.list)
	return s
}

// refresh re-filters the list by the search text.
func (s *sidebar) refresh() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	s.shown = s.shown[:0]
	for _, p := range s.desk.Profiles() {
		hay := strings.ToLower(p.Name + " " + p.Environment + " " + p.InstanceURL + " " + p.ClientID)
		if q == "" || strings.Contains(hay, q) {
			s.shown = append(s.shown, p)
		}
	}
	s.list.Refresh()
	s.markSelected(s.desk.Selected())
}

func (s *sidebar) markSelected(name string) {
	s.updating = true
	defer func() { s.updating = false }()
	for i, p := range s.shown {
		if p.Name == name {
			s.list.Select(i)
			s.list.Highlight(i) // the keyboard starts from the selected profile
			return
		}
	}
	s.list.UnselectAll()
}

// importProfiles asks for a bundle file and imports it on a goroutine.
func (s *sidebar) importProfiles() {
	s.sh.openFile(s.importFrom)
}

// exportProfiles saves names (all profiles when nil) as a bundle, without secrets.
func (s *sidebar) exportProfiles(names []string) {
	if names == nil {
		for _, p := range s.desk.Profiles() {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		s.sh.showMessage(lang.X("app.export.nothing", "Nothing to export"), lang.X("app.export.nothing_text", "There are no profiles yet. Create one with New first."))
		return
	}
	s.sh.saveFile("trustedapp-profiles.json", func(wc fyne.URIWriteCloser) { s.exportTo(wc, names) })
}

// importFrom imports the bundle rc (the file dialog's callback; tests call it with a
// file reader). When the bundle carries security-relevant settings (TLS verification
// off, a proxy, a token endpoint on another host, calls that write ...), the user sees
// them first and decides; nothing is saved before. Then new names are added at once;
// when some already exist, the user chooses whether to import them as copies, replace
// the local ones or skip them.
func (s *sidebar) importFrom(rc fyne.URIReadCloser) {
	s.desk.ReadImport(rc, func(f desk.ImportFile) {
		s.moves = f.Moves
		switch {
		case f.Err != nil && f.CSV:
			s.sh.showError(couldNotImport(f.Name), f.Err, csvImportHint())
		case f.Err != nil:
			s.sh.showError(couldNotImport(f.Name), f.Err, lang.X("app.import.not_bundle", "The file must be a profile bundle (JSON) exported by Trusted App Tester. Nothing was changed."))
		case len(f.Review) > 0:
			s.askReview(f.Name, f.Data, f.Review)
		default:
			s.importBundle(f.Name, f.Data)
		}
	})
}

// askReview lists the security-relevant settings a bundle brings in and imports it only
// when the user agrees.
func (s *sidebar) askReview(name string, data []byte, review []profiles.Review) {
	list := container.NewVBox()
	for _, r := range review {
		list.Add(widget.NewLabelWithStyle("“"+safetext.Line(r.Name)+"”", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, n := range r.Notes {
			indent := canvas.NewRectangle(color.Transparent)
			indent.SetMinSize(fyne.NewSize(theme.Padding()*4, 1))
			list.Add(container.NewBorder(nil, nil, indent, nil, wrapLabel("• "+n.Field+": "+n.Message)))
		}
	}
	intro := wrapLabel(lang.XN("app.import.review", "{{.File}} holds {{.Count}} profiles with settings that decide where the client secret and tokens go, or that change data. Nothing is saved yet: import only if you expect every one of them.", len(review), map[string]any{"File": safetext.Line(name), "Count": len(review)}))
	var d dialog.Dialog
	cancel := newButton(lang.X("app.cancel", "Cancel"), nil, func() {
		d.Hide()
		s.sh.setStatus(lang.X("app.import.cancelled", "Import of {{.File}} cancelled: nothing was saved.", map[string]any{"File": safetext.Line(name)}))
	})
	ok := newButton(lang.X("app.import.them", "Import them"), nil, func() {
		d.Hide()
		s.importBundle(name, data)
	})
	ok.Importance = widget.WarningImportance
	scroll := widgets.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(560, 200))
	d = dialog.NewCustomWithoutButtons(lang.X("app.import.review_title", "Check these settings before importing"), container.NewBorder(intro, container.NewHBox(layout.NewSpacer(), cancel, ok), nil, nil, scroll), s.sh.window())
	d.Resize(fyne.NewSize(640, 440))
	showEscPressing(s.sh.window(), d, cancel)
}

// importBundle imports data on a goroutine: first everything new, then (when names
// clash) what the user chooses.
func (s *sidebar) importBundle(name string, data []byte) {
	var clash []string // filled on the import's goroutine, read once it is done
	s.desk.Import(data, func(n string) profiles.ConflictAction {
		clash = append(clash, n)
		return profiles.ConflictSkip
	}, func(res desk.Imported) {
		if res.Err != nil {
			s.sh.showError(couldNotImport(name), res.Err, lang.X("app.import.not_bundle", "The file must be a profile bundle (JSON) exported by Trusted App Tester. Nothing was changed."))
			return
		}
		first := res.Result
		first.Skipped = nil // the clashes: decided next
		if len(clash) == 0 {
			s.importDone(name, first)
			return
		}
		s.askConflicts(name, data, first, clash)
	})
}

// askConflicts asks what to do with the bundle's profiles whose names exist here.
func (s *sidebar) askConflicts(name string, data []byte, first profiles.ImportResult, clash []string) {
	msg := lang.XN("app.import.clash", "{{.Count}} profile(s) in {{.File}} have the names of profiles you already have: {{.Names}}.", len(clash), map[string]any{"Count": len(clash), "File": safetext.Line(name), "Names": escapedList(clash)})
	if n := len(first.Added); n > 0 {
		msg = lang.XN("app.import.new_imported", "{{.Count}} new profile(s) were imported.", n, map[string]any{"Count": n}) + " " + msg
	}
	var d dialog.Dialog
	choose := func(act profiles.ConflictAction) {
		d.Hide()
		if act == profiles.ConflictSkip {
			first.Skipped = clash
			s.importDone(name, first)
			return
		}
		set := map[string]bool{}
		for _, n := range clash {
			set[n] = true
		}
		s.desk.Import(data, func(n string) profiles.ConflictAction {
			if set[n] {
				return act
			}
			return profiles.ConflictSkip // imported by the first pass
		}, func(second desk.Imported) {
			if second.Err != nil {
				s.sh.showError(lang.X("app.import.clash_failed", "Could not import the profiles that clash"), second.Err, lang.X("app.store.writable_retry", "Check that the store file is writable and try again."))
				s.sh.Reload("")
				return
			}
			res := second.Result
			res.Added = append(first.Added, res.Added...)
			res.Rejected = append(first.Rejected, res.Rejected...)
			res.Skipped = nil
			s.importDone(name, res)
		})
	}
	copies := newButton(lang.X("app.import.copies", "Import as copies"), nil, func() { choose(profiles.ConflictRename) })
	copies.Importance = widget.HighImportance
	moves, follow := s.secretMovesBox(clash)
	replace := newButton(lang.X("app.import.replace", "Replace mine"), nil, func() { choose(replaceAction(follow)) })
	replace.Importance = widget.DangerImportance
	skip := newButton(lang.X("app.import.skip", "Skip them"), nil, func() { choose(profiles.ConflictSkip) })
	body := wrapLabel(msg + " " + lang.X("app.import.copies_named", "Copies get a name like “{{.Name}} (2)”; replacing keeps your client secret in {{.Keychain}}.", map[string]any{"Name": safetext.Line(clash[0]), "Keychain": keychainName()}))
	d = dialog.NewCustomWithoutButtons(lang.X("app.import.clash_title", "Profiles with the same names"), container.NewVBox(body, moves, container.NewHBox(layout.NewSpacer(), skip, replace, copies)), s.sh.window())
	d.Resize(fyne.NewSize(560, 1)) // its natural height
	showEscPressing(s.sh.window(), d, skip)
}

// escapedList joins names from a file for display, each escaped (safetext.Line).
func escapedList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = safetext.Line(n)
	}
	return strings.Join(out, ", ")
}

// importDone says what an import did and selects the first profile it brought. Every
// name came from a file and is shown escaped.
func (s *sidebar) importDone(name string, res profiles.ImportResult) {
	s.sh.importFinished(name, res)
}

// importSummary is the title and text that say what an import did, and the first
// profile it brought (to select).
func importSummary(name string, res profiles.ImportResult) (title, text, first string) {
	var lines []string
	if n := len(res.Added); n > 0 {
		lines = append(lines, lang.XN("app.import.added", "Imported {{.Count}} profile(s): {{.Names}}.", n, map[string]any{"Count": n, "Names": escapedList(res.Added)}))
		first = res.Added[0]
	}
	if len(res.Renamed) > 0 {
		var rn []string
		for _, r := range res.Renamed {
			rn = append(rn, safetext.Line(r.From)+" → "+safetext.Line(r.To))
		}
		lines = append(lines, lang.X("app.import.as_copies", "Imported as copies: {{.Names}}.", map[string]any{"Names": strings.Join(rn, ", ")}))
		if first == "" {
			first = res.Renamed[0].To
		}
	}
	if len(res.Replaced) > 0 {
		lines = append(lines, lang.X("app.import.replaced", "Replaced: {{.Names}} (their client secrets stay in {{.Keychain}}).", map[string]any{"Names": escapedList(res.Replaced), "Keychain": keychainName()}))
		if first == "" {
			first = res.Replaced[0]
		}
	}
	lines = append(lines, secretFateLines(res.Secrets)...)
	if len(res.Skipped) > 0 {
		lines = append(lines, lang.X("app.import.skipped", "Skipped (you have profiles with these names): {{.Names}}.", map[string]any{"Names": escapedList(res.Skipped)}))
	}
	for _, rj := range res.Rejected {
		var ps []string
		for _, p := range rj.Problems {
			ps = append(ps, p.Field+" "+safetext.Line(p.Message))
		}
		lines = append(lines, lang.X("app.import.invalid", "Not imported, invalid: “{{.Name}}” ({{.Problems}}).", map[string]any{"Name": safetext.Line(rj.Name), "Problems": strings.Join(ps, "; ")}))
	}
	title = lang.X("app.import.done", "Profiles imported")
	switch {
	case len(lines) == 0:
		title = lang.X("app.import.nothing", "Nothing imported")
		lines = append(lines, lang.X("app.import.no_profiles", "{{.File}} holds no profiles.", map[string]any{"File": safetext.Line(name)}))
	case first == "":
		title = lang.X("app.import.nothing", "Nothing imported")
	case len(res.Added)+len(res.Renamed) > 0:
		lines = append(lines, lang.X("app.import.paste_secrets", "Client secrets are never part of an export: open each new profile, press Edit and paste its secret."))
	}
	return title, strings.Join(lines, "\n"), first
}

// exportTo writes the names' bundle to wc on a goroutine and closes it.
func (s *sidebar) exportTo(wc fyne.URIWriteCloser, names []string) {
	s.desk.ExportProfiles(wc, names, written(s.sh, lang.X("app.export.failed", "Could not export the profiles"), func(path string) string {
		return lang.XN("app.export.done", "Exported {{.Count}} profile(s) to {{.Path}} (client secrets are never exported).", len(names), map[string]any{"Count": len(names), "Path": path})
	}))
}

// spoken is the list in words for a screen reader: "Profiles, 2 shown: Nightly import
// (Production), selected; Price sync (Test)".
func (s *sidebar) spoken() string {
	var parts []string
	sel := s.desk.Selected()
	for _, p := range s.shown {
		t := p.Name
		if p.Environment != "" {
			t += " (" + p.Environment + ")"
		}
		if p.Name == sel {
			t += ", " + lang.X("app.sidebar.selected", "selected")
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return lang.X("app.sidebar.spoken_none", "Profiles: none")
	}
	return lang.XN("app.sidebar.spoken", "Profiles, {{.Count}} shown: {{.List}}", len(parts), map[string]any{"Count": len(parts), "List": strings.Join(parts, "; ")})
}

// couldNotImport is an import's failure, naming the file.
func couldNotImport(file string) string {
	return lang.X("app.import.failed", "Could not import {{.File}}", map[string]any{"File": safetext.Line(file)})
}
