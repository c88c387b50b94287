package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/ui/widgets"
)

// notifier is the status line and the dialogs every screen may use to tell the user
// something.
type notifier interface {
	setStatus(string)
	showError(what string, err error, fix string)
	showMessage(title, text string)
}

// showError explains a failure: what we tried, what went wrong, and what to do. The
// raw error is only ever the middle part.
func (u *UI) showError(what string, err error, fix string) {
	msg := what + "."
	if err != nil {
		msg = what + ": " + err.Error() + "."
	}
	u.setStatus(msg)
	body := widget.NewLabel(msg + "\n\n" + fix)
	body.Wrapping = fyne.TextWrapWord
	showInfo(u.win, what, container.NewPadded(body), fyne.NewSize(520, 220))
}

// showMessage shows a plain information dialog.
func (u *UI) showMessage(title, text string) {
	u.setStatus(text)
	body := widget.NewLabel(text)
	body.Wrapping = fyne.TextWrapWord
	showInfo(u.win, title, container.NewPadded(body), fyne.NewSize(520, 200))
}

// humanDuration is "42 ms", "1.3 s" or "2 min 5 s".
func humanDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0 ms"
	case d < time.Second:
		return fmt.Sprintf(lang.X("app.dur.ms", "%d ms"), d.Milliseconds())
	case d < time.Minute:
		return decimalComma(fmt.Sprintf(lang.X("app.dur.s", "%.1f s"), d.Seconds()))
	}
	d = d.Round(time.Second)
	return fmt.Sprintf(lang.X("app.dur.min_s", "%d min %d s"), int(d.Minutes()), int(d.Seconds())%60)
}

// decimalComma writes a number's decimal point as the language does (Bulgarian: a
// comma).
func decimalComma(s string) string {
	if lang.Code() == "bg" {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}

// countdown is "in 57 min 12 s" or "expired 3 min ago".
func countdown(left time.Duration) string {
	if left <= 0 {
		return lang.X("app.countdown.expired", "expired {{.Age}} ago", map[string]any{"Age": roughAge(-left)})
	}
	if left >= 48*time.Hour {
		return lang.X("app.countdown.in", "in {{.Age}}", map[string]any{"Age": roughAge(left)}) // a reference token lives for days or months
	}
	left = left.Round(time.Second)
	h, m, s := int(left.Hours()), int(left.Minutes())%60, int(left.Seconds())%60
	if h > 0 {
		return fmt.Sprintf(lang.X("app.countdown.h_min", "in %d h %d min"), h, m)
	}
	return fmt.Sprintf(lang.X("app.countdown.min_s", "in %d min %02d s"), m, s)
}

// roughAge is "3 days", "5 hours", "12 minutes".
func roughAge(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		n := int(d.Hours() / 24)
		return lang.XN("app.age.days", "{{.Count}} days", n, map[string]any{"Count": n})
	case d >= 24*time.Hour:
		return lang.X("app.age.day", "1 day")
	case d >= 2*time.Hour:
		n := int(d.Hours())
		return lang.XN("app.age.hours", "{{.Count}} hours", n, map[string]any{"Count": n})
	case d >= time.Hour:
		return lang.X("app.age.hour", "1 hour")
	case d >= 2*time.Minute:
		n := int(d.Minutes())
		return lang.XN("app.age.minutes", "{{.Count}} minutes", n, map[string]any{"Count": n})
	}
	return lang.X("app.age.moment", "a moment")
}

// prettyBody indents JSON bodies and leaves everything else as it is.
func prettyBody(body string) string {
	t := strings.TrimSpace(body)
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		var v any
		if json.Unmarshal([]byte(t), &v) == nil {
			if b, err := json.MarshalIndent(v, "", "  "); err == nil {
				return string(b)
			}
		}
	}
	return body
}

// maskToken shows the first 10 and last 6 characters of a token.
func maskToken(raw string) string {
	if len(raw) <= 20 {
		return strings.Repeat("•", len(raw))
	}
	return raw[:10] + strings.Repeat("•", 12) + raw[len(raw)-6:]
}

// monoLabel is a selectable, wrapping, monospace label.
func monoLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle = fyne.TextStyle{Monospace: true}
	l.Wrapping = fyne.TextWrapBreak
	l.Selectable = true
	return l
}

// wrapLabel is a word-wrapping label.
func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// keyLabel is the small bold caption of an identity card row.
func keyLabel(s string) *widgets.TipLabel {
	l := widgets.NewTipLabel(captionText(s), fyne.TextStyle{Bold: true}, fieldTips()[s])
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// captionText is a caption (keyLabel) in the language in use; s is its English, which
// also names its tooltip.
func captionText(s string) string {
	switch s {
	case "ACCESS TOKEN":
		return lang.X("app.caption.access_token", "ACCESS TOKEN")
	case "ACTS AS":
		return lang.X("app.caption.acts_as", "ACTS AS")
	case "CHECK":
		return lang.X("app.caption.check", "CHECK")
	case "CLIENT SECRET":
		return lang.X("app.caption.client_secret", "CLIENT SECRET")
	case "CLIENT":
		return lang.X("app.caption.client", "CLIENT")
	case "CONFIRM":
		return lang.X("app.caption.confirm", "CONFIRM")
	case "CUSTOM CALL WITH THIS TOKEN":
		return lang.X("app.caption.custom_call", "CUSTOM CALL WITH THIS TOKEN")
	case "DATABASE":
		return lang.X("app.caption.database", "DATABASE")
	case "EXPIRES":
		return lang.X("app.caption.expires", "EXPIRES")
	case "ISSUER":
		return lang.X("app.caption.issuer", "ISSUER")
	case "NARROW":
		return lang.X("app.caption.narrow", "NARROW")
	case "SCOPES":
		return lang.X("app.caption.scopes", "SCOPES")
	case "SIGNATURE":
		return lang.X("app.caption.signature", "SIGNATURE")
	case "THE ERROR, AS PASTED":
		return lang.X("app.caption.error_pasted", "THE ERROR, AS PASTED")
	case "WHO HOLDS THE LICENCES":
		return lang.X("app.caption.holders", "WHO HOLDS THE LICENCES")
	}
	return s // a field name (APPLICATIONSECRETHASH) stays as ERP.net spells it
}
