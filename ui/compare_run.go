package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/compare"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/platform"
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
	askYesNo(c.sh.window(), "Compare with fresh tokens?", strings.Join(names, " and ")+" "+map[bool]string{true: "is", false: "are"}[len(names) == 1]+
		" tagged Production. Each fresh token's first API call opens a new ERP.net session, which holds one of production's licence slots for at least 20 minutes (at most an hour), "+
		"even if nothing else uses it: a real user may be refused meanwhile.\n\nTo compare without that cost, choose one of its runs from History instead of “Now”.",
		"Cancel", "Compare now", widget.HighImportance, func(ok bool) {
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
			c.say(fmt.Sprintf("“%s” finished (%s); waiting for the other…  Esc cancels.", p.Profile, p.Verdict))
		}
	}, c.compared)
	if err != nil {
		c.sh.showError("Could not compare", err, "Choose two different things to compare.")
	}
}

func runningText(fresh []string) string {
	if len(fresh) == 1 {
		return "Running “" + fresh[0] + "” with a fresh token…  Esc cancels."
	}
	return "Running “" + fresh[0] + "” and “" + fresh[1] + "” with fresh tokens…  Esc cancels."
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
		c.say("Cancelled: nothing was compared. The runs that got an answer are in History.")
		c.sh.setStatus("Comparison cancelled.")
		return
	case res.Err != nil:
		c.say("")
		c.sh.showError("Could not compare", res.Err, compareFix(res.Err))
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
		return "Select that profile, press Edit, paste the client secret the Trusted App was created with, and Save. Nothing was sent for either side."
	}
	return "Check that " + platform.Keychain() + " is unlocked and the profile still exists, then compare again. Nothing was sent for either side."
}

func differencesText(c compare.Comparison) string {
	switch c.Differences {
	case 0:
		return "No differences: the two runs agree on every row."
	case 1:
		return "1 difference."
	}
	return fmt.Sprintf("%d differences.", c.Differences)
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
	c.sh.setStatus("Comparison copied, every row: paste it into a ticket. It holds no secret and no token.")
}
