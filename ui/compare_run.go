package ui

import (
	"strings"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/compare"
	"trustedapp-tester/desk"
)

// The compare view at work: Compare (asking first for Production profiles), the fresh
// runs in flight with their Cancel, and the comparison's arrival, copy and close.

// primary is Compare, or Cancel while fresh runs go (the button and Ctrl+Enter).
func (c *compareScreen) primary() {
	if c.pending != nil {
		c.cancel()
		return
	}
	if c.reading != 0 || c.problem() != nil {
		return
	}
	a, b := c.side(0), c.side(1)
	cost := c.desk.CostOf(a, b)
	if len(cost.Production) == 0 {
		c.compare(a, b)
		return
	}
	names := make([]string, len(cost.Production))
	for i, n := range cost.Production {
		names[i] = "“" + n + "”"
	}
	askYesNo(c.sh.window(), lang.X("app.compare.ask", "Compare with fresh tokens?"), lang.XN("app.compare.ask_text", "{{.Names}} are tagged Production. Each fresh token's first API call opens a new ERP.net session, which holds one of production's licence slots for at least 20 minutes (at most an hour), "+
		"even if nothing else uses it: a real user may be refused meanwhile.\n\nTo compare without that cost, choose one of its runs from History instead of “Now”.", len(names),
		map[string]any{"Names": strings.Join(names, " "+lang.X("app.and", "and")+" ")}),
		lang.X("app.cancel", "Cancel"), lang.X("app.compare.now_button", "Compare now"), widget.HighImportance, func(ok bool) {
			if ok {
				c.compare(a, b)
			}
		})
}

// compare starts the comparison of a and b.
func (c *compareScreen) compare(a, b desk.CompareSide) {
	c.ran = 0
	fresh := c.desk.CostOf(a, b).Fresh
	_, err := c.desk.Compare(a, b, c.readRecord.Checked, func(op *desk.Op) {
		c.pending = op
		c.running(true)
		if len(fresh) > 0 {
			c.say(runningText(fresh))
			c.sh.setStatus(runningText(fresh))
		}
	}, func(p desk.CompareProgress) {
		if c.pending == nil || p.Op != c.pending.ID {
			return
		}
		c.ran++
		if c.ran < len(fresh) {
			c.say(lang.X("app.compare.one_done", "“{{.Name}}” finished ({{.Verdict}}); waiting for the other…  Esc cancels.", map[string]any{"Name": p.Profile, "Verdict": p.Verdict}))
		}
	}, c.compared)
	if err != nil {
		c.sh.showError(lang.X("app.compare.failed", "Could not compare"), err, lang.X("app.compare.choose_two", "Choose two different things to compare."))
	}
}

func runningText(fresh []string) string {
	if len(fresh) == 1 {
		return lang.X("app.compare.running_one", "Running “{{.A}}” with a fresh token…  Esc cancels.", map[string]any{"A": fresh[0]})
	}
	return lang.X("app.compare.running_two", "Running “{{.A}}” and “{{.B}}” with fresh tokens…  Esc cancels.", map[string]any{"A": fresh[0], "B": fresh[1]})
}

// running shows Cancel in the Compare button's place while fresh runs go.
func (c *compareScreen) running(on bool) {
	for i := range c.prof {
		if on {
			c.prof[i].Disable()
			c.when[i].Disable()
		} else {
			c.prof[i].Enable()
			c.when[i].Enable()
		}
	}
	if on {
		c.readRecord.Disable()
		c.start.SetText("Cancel  (Esc)")
		c.start.SetIcon(theme.CancelIcon())
		c.start.Importance = widget.MediumImportance
		c.start.Enable()
	} else {
		c.readRecord.Enable()
		c.start.SetText(compareLabel())
		c.start.SetIcon(theme.MediaPlayIcon())
		c.start.Importance = widget.HighImportance
	}
	c.start.Refresh()
}

// cancel stops the fresh runs in flight.
func (c *compareScreen) cancel() {
	if c.pending == nil {
		return
	}
	c.say("Cancelling…")
	c.start.Disable()
	c.pending.Cancel()
}

// compared shows the end of the comparison.
func (c *compareScreen) compared(res desk.Compared) {
	if c.pending == nil || res.Op != c.pending.ID {
		return
	}
	c.pending = nil
	c.running(false)
	c.update()
	switch {
	case res.Cancelled:
		c.say(lang.X("app.compare.cancelled", "Cancelled: nothing was compared. The runs that got an answer are in History."))
		c.sh.setStatus(lang.X("app.compare.cancelled_status", "Comparison cancelled."))
		return
	case res.Err != nil:
		c.say("")
		c.sh.showError(lang.X("app.compare.failed", "Could not compare"), res.Err, compareFix(res.Err))
		return
	}
	c.say("")
	c.last = &res
	c.showResult(res)
	c.sh.setStatus(differencesText(res.Comparison) + " " + sidesCost(res))
}

// compareFix is what to do when a side could not run.
func compareFix(err error) string {
	if strings.Contains(err.Error(), desk.ErrNoSecret.Error()) {
		return lang.X("app.compare.fix_secret", "Select that profile, press Edit, paste the client secret the Trusted App was created with, and Save. Nothing was sent for either side.")
	}
	return lang.X("app.compare.fix_keychain", "Check that {{.Keychain}} is unlocked and the profile still exists, then compare again. Nothing was sent for either side.", map[string]any{"Keychain": keychainName()})
}

func differencesText(c compare.Comparison) string {
	switch c.Differences {
	case 0:
		return lang.X("app.compare.no_differences", "No differences: the two runs agree on every row.")
	}
	return lang.XN("app.compare.differences", "{{.Count}} differences.", c.Differences, map[string]any{"Count": c.Differences})
}

// sidesCost says what each side cost: a new session, a reused one, or nothing (History).
func sidesCost(res desk.Compared) string {
	var parts []string
	for i, s := range res.Sessions {
		if s != nil {
			parts = append(parts, desk.SideName(i)+":"+sessionCost(s))
		}
	}
	return strings.Join(parts, " ")
}

// escape is Esc: cancel the fresh runs in flight, else close the view.
func (c *compareScreen) escape() {
	if c.pending != nil {
		c.cancel()
		return
	}
	c.sh.closeTool()
}

// closed cancels what runs when the view goes away.
func (c *compareScreen) closed() {
	if c.pending != nil {
		c.cancel()
	}
}

func (c *compareScreen) copyText() {
	if c.last == nil {
		return
	}
	c.sh.clipboard().SetContent(string(desk.ComparisonTextIn(lang.Localizer(), c.last.Comparison)))
	c.sh.setStatus(lang.X("app.compare.copied", "Comparison copied, every row: paste it into a ticket. It holds no secret and no token."))
}
