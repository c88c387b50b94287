package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/explain"
	"trustedapp-tester/guide"
	"trustedapp-tester/ui/widgets"
)

// explainScreen is "Explain an error…": support staff who have only a customer's log
// paste the error (an OAuth error body, a WWW-Authenticate header, an OData error, a
// licence or rate-limit message, an HTTP status line, a .NET exception) and get the
// explanation a live check gives for the same answer, rendered as Guidance renders
// it. Every secret, token and password is removed from the text before it is shown,
// copied or saved: the paste box then holds the redacted text only. Nothing is sent
// anywhere and nothing goes to the history log.
type explainScreen struct {
	sh   explainShell
	desk explainDesk

	input    *dialogEntry
	explain  *button
	clear    *button
	removed  *widget.Label // how many credentials were removed
	list     *fyne.Container
	copyText *button
	copyMD   *button
	save     *button
	content  fyne.CanvasObject

	pending desk.OpID       // the explanation waited for (0: none)
	res     *explain.Result // the explanation shown
}

// explainShell is what "Explain an error…" needs of the window.
type explainShell interface {
	notifier
	clipboard() fyne.Clipboard
	openURL(string)
	focus(fyne.Focusable)
	saveFile(name string, write func(fyne.URIWriteCloser))
	closeTool()
}

// explainDesk is what "Explain an error…" asks of the desk.
type explainDesk interface {
	ExplainText(pasted string, began func(*desk.Op), done func(desk.Explained)) *desk.Op
	SaveExplanation(wc fyne.URIWriteCloser, res explain.Result, markdown bool, done func(desk.Written)) *desk.Op
}

func newExplainScreen(sh explainShell, d explainDesk) *explainScreen {
	x := &explainScreen{sh: sh, desk: d}
	intro := wrapLabel(lang.X("app.explain.intro", "Paste an error from a customer's log (an OAuth or OData error body, a WWW-Authenticate header, a licence or rate-limit message, "+
		"an HTTP status line, a .NET exception) for what a live check would say. Secrets are removed first; nothing is sent anywhere."))
	x.input = newDialogEntry(x.escape)
	x.input.MultiLine = true
	x.input.name = lang.X("app.explain.input", "The error, as pasted")
	x.input.Wrapping = fyne.TextWrapBreak
	x.input.TextStyle = fyne.TextStyle{Monospace: true}
	x.input.SetPlaceHolder("HTTP/1.1 400 Bad Request\n{\"error\":\"invalid_client\"}")
	x.input.OnChanged = func(string) { x.inputChanged() }
	x.explain = newButton(lang.X("app.explain.explain", "Explain")+"  ("+shortcutHint()+")", theme.SearchIcon(), x.primary)
	x.explain.Importance = widget.HighImportance
	x.explain.Disable()
	x.clear = newButton(lang.X("app.explain.clear", "Clear"), theme.ContentClearIcon(), x.reset)
	x.removed = wrapLabel("")
	x.list = container.NewVBox()
	x.copyText = newButton(lang.X("app.copy_text", "Copy as text"), theme.ContentCopyIcon(), func() { x.copy(false) })
	x.copyMD = newButton(lang.X("app.explain.copy_md", "Copy as Markdown"), theme.ContentCopyIcon(), func() { x.copy(true) })
	x.save = newButton(lang.X("app.explain.save", "Save…"), theme.DocumentSaveIcon(), x.saveAs)
	left := container.NewBorder(keyLabel("THE ERROR, AS PASTED"), container.NewVBox(x.removed, container.NewHBox(x.explain, x.clear)), nil, nil, x.input)
	right := container.NewBorder(nil, container.NewHBox(x.copyText, x.copyMD, x.save), nil, nil, widgets.NewVScroll(x.list))
	split := widgets.NewHSplit(left, right)
	split.Offset = 0.4
	top := container.NewVBox(toolHeader(lang.X("app.explain.title", "Explain an error"), sh.closeTool), intro, widget.NewSeparator())
	x.content = inOrderBorder(top, nil, split.Container)
	x.showEmpty()
	return x
}

func (x *explainScreen) screen() fyne.CanvasObject { return x.content }

// open shows the screen with the cursor in the paste box.
func (x *explainScreen) open() { x.sh.focus(x.input) }

// inputChanged enables Explain only while the paste box holds text (an explanation
// shown stays until Clear or the next Explain).
func (x *explainScreen) inputChanged() {
	if strings.TrimSpace(x.input.Text) == "" {
		x.explain.Disable()
	} else {
		x.explain.Enable()
	}
}

// primary explains the pasted text (the button and Ctrl+Enter).
func (x *explainScreen) primary() {
	pasted := x.input.Text
	if strings.TrimSpace(pasted) == "" {
		return
	}
	x.desk.ExplainText(pasted, func(op *desk.Op) { x.pending = op.ID }, x.explained)
}

// explained shows the explanation, and puts the redacted text in the paste box.
func (x *explainScreen) explained(e desk.Explained) {
	if e.Op != x.pending {
		return // text explained before Clear, or before the last press
	}
	x.pending = 0
	res := e.Result
	x.res = &res
	if res.Redactions > 0 {
		x.input.SetText(e.Redacted)
	}
	x.removed.SetText(removedText(res))
	x.removed.Importance = widget.MediumImportance
	if res.Redactions > 0 {
		x.removed.Importance = widget.WarningImportance
	}
	x.removed.Refresh()
	x.show(res)
	if res.Recognised {
		x.sh.setStatus(lang.X("app.explain.read_as_status", "Read as {{.What}}: see the explanation on the right.", map[string]any{"What": res.ReadAs}))
	} else {
		x.sh.setStatus(lang.X("app.explain.not_recognised_status", "Not recognised: the three most likely things to check are on the right."))
	}
}

// removedText says what the redaction took out of the text.
func removedText(res explain.Result) string {
	s := lang.X("app.explain.nothing_secret", "Nothing secret was found in the text.")
	if n := res.Redactions; n > 0 {
		s = lang.XN("app.explain.removed", "{{.Count}} credentials removed (now [redacted]). The log held them: consider rotating them.", n, map[string]any{"Count": n})
	}
	if res.Truncated {
		s += " " + lang.X("app.explain.truncated", "Long text: only its start was read.")
	}
	return s
}

// show renders the explanation: what the text was read as, then each finding as
// Guidance explains it, or, for text nobody could read, the three most likely checks.
func (x *explainScreen) show(res explain.Result) {
	x.list.Objects = nil
	icon := theme.NewSuccessThemedResource(theme.ConfirmIcon())
	readAs := lang.X("app.explain.read_as", "Read as {{.What}}.", map[string]any{"What": res.ReadAs})
	if !res.Recognised {
		icon = theme.NewWarningThemedResource(theme.QuestionIcon())
		readAs = lang.X("app.explain.not_recognised", "Not recognised.")
	}
	head := widget.NewLabelWithStyle(readAs, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	head.SizeName = theme.SizeNameSubHeadingText
	x.list.Add(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, head))
	if !res.Recognised {
		x.list.Add(wrapLabel(lang.X("app.explain.unknown", "This tool does not know this text. The three most likely things to check, in the order the token endpoint checks them:")))
		for i, c := range res.Checks {
			x.list.Add(widget.NewSeparator())
			x.list.Add(checkView(i+1, c))
		}
	}
	for _, f := range res.Findings {
		x.list.Add(widget.NewSeparator())
		ex := guide.Explanation{}
		if f.Explanation != nil {
			ex = *f.Explanation
		}
		x.list.Add(explanationView(x.sh.openURL, check.Finding{Code: f.Code, Severity: f.Severity, Message: f.Message, Evidence: f.Evidence}, ex, nil, nil, nil))
	}
	for _, n := range res.Notes {
		x.list.Add(widget.NewSeparator())
		x.list.Add(wrapLabel(n))
	}
	x.list.Refresh()
	x.copyText.Enable()
	x.copyMD.Enable()
	x.save.Enable()
}

// checkView is one of the three likely checks for text that was not recognised.
func checkView(n int, c explain.Check) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(fmt.Sprintf("%d.  %s", n, c.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(title, wrapLabel(c.Why))
	var fields []string
	for _, f := range c.Fields {
		fields = append(fields, "•  "+lang.X("app.guidance.field", "{{.Where}} field “{{.Name}}”", map[string]any{"Where": guide.WhereIn(lang.Localizer(), f.Where), "Name": f.Name})+": "+f.Expect)
	}
	if len(fields) > 0 {
		box.Add(keyLabel("CHECK"))
		box.Add(wrapLabel(strings.Join(fields, "\n")))
	}
	return box
}

// showEmpty says what the screen does before anything was explained.
func (x *explainScreen) showEmpty() {
	x.res = nil
	x.removed.SetText("")
	x.list.Objects = []fyne.CanvasObject{
		container.NewBorder(nil, nil, widgets.NewVerdict(check.Skipped), nil,
			wrapLabel(lang.X("app.explain.empty", "Paste the error on the left and press Explain. The whole answer explains best: the HTTP status line, the response body, "+
				"a WWW-Authenticate header or the exception message. A secret pasted with it is removed first."))),
	}
	x.list.Refresh()
	x.copyText.Disable()
	x.copyMD.Disable()
	x.save.Disable()
}

// reset empties the paste box and the explanation.
func (x *explainScreen) reset() {
	x.pending = 0
	x.input.SetText("")
	x.showEmpty()
}

// copy puts the explanation on the clipboard as text or Markdown.
func (x *explainScreen) copy(markdown bool) {
	if x.res == nil {
		return
	}
	x.sh.clipboard().SetContent(string(desk.ExplanationTextIn(lang.Localizer(), *x.res, markdown)))
	what := lang.X("app.explain.as_text", "text")
	if markdown {
		what = "Markdown"
	}
	x.sh.setStatus(lang.X("app.explain.copied", "Explanation copied as {{.What}}: paste it into the ticket. The pasted text in it is redacted.", map[string]any{"What": what}))
}

// saveAs asks where to save the explanation: a .md name saves Markdown, any other text.
func (x *explainScreen) saveAs() {
	if x.res == nil {
		return
	}
	res := *x.res
	x.sh.saveFile("error-explained.md", func(wc fyne.URIWriteCloser) { x.saveTo(wc, res) })
}

// saveTo writes res to wc (the file dialog's callback; tests call it with a file
// writer): Markdown for a .md or .markdown name, text otherwise.
func (x *explainScreen) saveTo(wc fyne.URIWriteCloser, res explain.Result) {
	ext := strings.ToLower(wc.URI().Extension())
	md := ext == ".md" || ext == ".markdown"
	x.desk.SaveExplanation(wc, res, md, written(x.sh, lang.X("app.explain.save_failed", "Could not save the explanation"), func(path string) string {
		return lang.X("app.explain.saved", "Explanation saved to {{.Path}}.", map[string]any{"Path": path})
	}))
}

// escape is Esc: close the screen.
func (x *explainScreen) escape() { x.sh.closeTool() }

// closed empties the paste box: what was pasted does not stay on a hidden screen.
func (x *explainScreen) closed() { x.reset() }
