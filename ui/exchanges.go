package ui

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/ui/widgets"
)

// exchangeView shows one HTTP round trip (already redacted by check).
func exchangeView(ex check.Exchange) fyne.CanvasObject {
	line := widget.NewLabelWithStyle(ex.Method+" "+ex.URL, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	line.Wrapping = fyne.TextWrapBreak
	line.Selectable = true
	status := "no response"
	if ex.Status != 0 {
		status = fmt.Sprintf("%d %s", ex.Status, http.StatusText(ex.Status))
	}
	t := ex.Timings
	timing := fmt.Sprintf("%s · %s in total (DNS %s, connect %s, TLS %s, first byte %s) · %d bytes",
		status, humanDuration(t.Total), humanDuration(t.DNS), humanDuration(t.Connect), humanDuration(t.TLS), humanDuration(t.FirstByte), ex.Size)
	if ex.Truncated {
		timing += " (body cut at the size limit)"
	}
	box := container.NewVBox(line, wrapLabel(timing))
	if ex.Error != "" {
		e := wrapLabel("Transport error: " + ex.Error)
		e.Importance = widget.DangerImportance
		box.Add(e)
	}
	section := func(title, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		box.Add(keyLabel(title))
		box.Add(monoLabel(text))
	}
	section("REQUEST HEADERS", headerText(ex.RequestHeaders))
	section("REQUEST BODY", ex.RequestBody)
	section("RESPONSE HEADERS", headerText(ex.ResponseHeaders))
	section("RESPONSE BODY", prettyBody(ex.ResponseBody))
	return box
}

func headerText(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// exchangesTab lists every HTTP round trip of the run.
type exchangesTab struct {
	u       *UI
	items   []check.Exchange
	verdict []check.Verdict
	list    *widget.List
	detail  *fyne.Container
	content fyne.CanvasObject
}

func newExchangesTab(u *UI) *exchangesTab {
	e := &exchangesTab{u: u}
	e.detail = container.NewVBox()
	e.list = widget.NewList(func() int { return len(e.items) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("GET https://example")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, l)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			ex := e.items[id]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(exchangeTitle(ex))
			c.Objects[1].(*widget.Icon).SetResource(widgets.VerdictIcon(e.verdict[id]))
		})
	e.list.OnSelected = func(id widget.ListItemID) {
		e.detail.Objects = []fyne.CanvasObject{exchangeView(e.items[id])}
		e.detail.Refresh()
	}
	split := container.NewHSplit(e.list, container.NewVScroll(e.detail))
	split.Offset = 0.35
	e.content = split
	return e
}

func exchangeTitle(ex check.Exchange) string {
	st := "—"
	if ex.Status != 0 {
		st = fmt.Sprint(ex.Status)
	}
	return st + "  " + ex.Method + " " + ex.URL
}

func (e *exchangesTab) set(r check.Report) {
	e.items, e.verdict = nil, nil
	for _, s := range r.Steps {
		for _, ex := range s.Exchanges {
			e.items = append(e.items, ex)
			e.verdict = append(e.verdict, s.Verdict)
		}
	}
	e.list.UnselectAll()
	e.list.Refresh()
	e.detail.Objects = []fyne.CanvasObject{wrapLabel("Select a request to see it in full: headers, body and timings. Secrets and tokens are redacted.")}
	if len(e.items) == 0 {
		e.detail.Objects = []fyne.CanvasObject{wrapLabel("No requests yet. Every HTTP round trip of a run appears here, with secrets and tokens redacted.")}
	}
	e.detail.Refresh()
}
