package ui

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/ui/widgets"
)

// exchangeView shows one HTTP round trip (already redacted by check).
func exchangeView(ex check.Exchange) fyne.CanvasObject {
	line := widget.NewLabelWithStyle(ex.Method+" "+ex.URL, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	line.Wrapping = fyne.TextWrapBreak
	line.Selectable = true
	status := ex.StatusLine()
	t := ex.Timings
	timing := status + " · " + lang.X("app.exchange.timing", "{{.Total}} in total (DNS {{.DNS}}, connect {{.Connect}}, TLS {{.TLS}}, first byte {{.First}}) · {{.Size}} bytes",
		map[string]any{"Total": humanDuration(t.Total), "DNS": humanDuration(t.DNS), "Connect": humanDuration(t.Connect), "TLS": humanDuration(t.TLS), "First": humanDuration(t.FirstByte), "Size": ex.Size})
	if ex.Truncated {
		timing += " " + lang.X("app.exchange.body_cut", "(body cut at the size limit)")
	}
	if ex.HeadersCut > 0 {
		timing += " " + decimalComma(fmt.Sprintf(lang.X("app.exchange.headers_cut", "(%d response headers not kept: %.1f MB of headers, over the size limit)"), ex.HeadersCut, float64(ex.HeaderBytes)/1e6))
	}
	box := container.NewVBox(line, wrapLabel(timing))
	if ex.Error != "" {
		e := wrapLabel(lang.X("app.exchange.transport_error", "Transport error: {{.Err}}", map[string]any{"Err": ex.Error}))
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
	section(lang.X("app.exchange.req_headers", "REQUEST HEADERS"), headerText(ex.RequestHeaders))
	section(lang.X("app.exchange.req_body", "REQUEST BODY"), ex.RequestBody)
	section(lang.X("app.exchange.resp_headers", "RESPONSE HEADERS"), headerText(ex.ResponseHeaders))
	section(lang.X("app.exchange.resp_body", "RESPONSE BODY"), prettyBody(ex.ResponseBody))
	return box
}

func headerText(h map[string][]string) string {
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
	host    string // scheme://host most requests went to; rows show only their path
	hostLbl *widget.Label
	items   []check.Exchange
	verdict []check.Verdict
	list    *escList
	detail  *fyne.Container
	content fyne.CanvasObject
}

func newExchangesTab() *exchangesTab {
	e := &exchangesTab{}
	e.detail = container.NewVBox()
	e.hostLbl = widget.NewLabel("")
	e.hostLbl.Truncation = fyne.TextTruncateEllipsis
	e.hostLbl.SizeName = theme.SizeNameCaptionText
	e.list = newEscList(nil, func() int { return len(e.items) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("GET /path")
			l.Truncation = fyne.TextTruncateEllipsis
			d := widget.NewLabel("999 ms")
			d.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, widgets.NewVerdict(""), d, l)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(e.items) {
				return
			}
			ex := e.items[id]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(exchangeTitle(ex, e.host))
			c.Objects[1].(*widgets.Verdict).Set(e.verdict[id])
			c.Objects[2].(*widget.Label).SetText(humanDuration(ex.Timings.Total))
		})
	e.list.spoken = func() string {
		parts := []string{}
		for i, ex := range e.items {
			parts = append(parts, exchangeTitle(ex, e.host)+" "+widgets.VerdictWord(e.verdict[i])+", "+humanDuration(ex.Timings.Total))
		}
		return lang.XN("app.exchange.spoken", "Requests, {{.Count}} requests: {{.List}}", len(parts), map[string]any{"Count": len(parts), "List": strings.Join(parts, "; ")})
	}
	e.list.OnSelected = func(id widget.ListItemID) {
		e.detail.Objects = []fyne.CanvasObject{exchangeView(e.items[id])}
		e.detail.Refresh()
	}
	split := widgets.NewHSplit(inOrderBorder(e.hostLbl, nil, e.list), widgets.NewVScroll(e.detail))
	split.Offset = 0.42
	e.content = split.Container
	return e
}

// exchangeTitle is a list row: status, method and the path (the whole URL when the
// request went to another host than host).
func exchangeTitle(ex check.Exchange, host string) string {
	st := "—"
	if ex.Status != 0 {
		st = fmt.Sprint(ex.Status)
	}
	return st + "  " + ex.Method + " " + shortURL(ex.URL, host)
}

// hostOf is rawURL's scheme://host ("" when it does not parse).
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// shortURL is rawURL without its scheme://host when that is host.
func shortURL(rawURL, host string) string {
	if host != "" && hostOf(rawURL) == host {
		if rest := strings.TrimPrefix(rawURL, host); rest != "" {
			return rest
		}
		return "/"
	}
	return rawURL
}

// commonHost is the scheme://host most of items went to (the first one on a tie), and
// how many went elsewhere.
func commonHost(items []check.Exchange) (string, int) {
	count := map[string]int{}
	best := ""
	for _, ex := range items {
		h := hostOf(ex.URL)
		count[h]++
		if h != "" && count[h] > count[best] {
			best = h
		}
	}
	if best == "" {
		return "", len(items)
	}
	return best, len(items) - count[best]
}

func hostLine(host string, others int) string {
	switch {
	case host == "":
		return ""
	case others == 0:
		return lang.X("app.exchange.all_to", "All requests went to {{.Host}}", map[string]any{"Host": host})
	}
	return lang.XN("app.exchange.some_elsewhere", "Requests went to {{.Host}} ({{.Count}} went elsewhere: their rows show the whole address)", others, map[string]any{"Host": host, "Count": others})
}

func (e *exchangesTab) set(r check.Report) {
	e.items, e.verdict = nil, nil
	for _, s := range r.Steps {
		for _, ex := range s.Exchanges {
			e.items = append(e.items, ex)
			e.verdict = append(e.verdict, s.Verdict)
		}
	}
	host, others := commonHost(e.items)
	e.host = host
	e.hostLbl.SetText(hostLine(host, others))
	if host == "" {
		e.hostLbl.Hide()
	} else {
		e.hostLbl.Show()
	}
	e.list.UnselectAll()
	e.list.Refresh()
	e.detail.Objects = []fyne.CanvasObject{wrapLabel(lang.X("app.exchange.select", "Select a request to see it in full: headers, body and timings. Secrets and tokens are redacted."))}
	if len(e.items) == 0 {
		e.detail.Objects = []fyne.CanvasObject{wrapLabel(lang.X("app.exchange.none", "No requests yet. Every HTTP round trip of a run appears here, with secrets and tokens redacted."))}
	}
	e.detail.Refresh()
}
