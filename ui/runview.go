package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// runView is the selected profile's screen: the header with the Test button, the
// timeline of steps, the identity card and the evidence tabs, all showing one run.
type runView struct {
	header    *header
	timeline  *timeline
	identity  *identityCard
	tabs      *widgets.Tabs
	guidance  *guidanceTab
	claims    *claimsTab
	calls     *callsTab
	exchanges *exchangesTab
	record    *recordTab
	history   *historyTab
	cardSplit *widgets.Split
	cardArea  *fyne.Container
	content   fyne.CanvasObject

	run desk.RunID // the run shown (0: none yet)
	now func() time.Time
}

// runViewShell is what the run view's parts need of the window, together.
type runViewShell interface {
	headerShell
	timelineShell
	identityShell
	guidanceShell
	claimsShell
	callsShell
	recordShell
	historyShell
}

func newRunView(sh runViewShell, d *desk.Desk) *runView {
	v := &runView{now: d.Now}
	v.header = newHeader(sh, d)
	v.timeline = newTimeline(sh)
	v.identity = newIdentityCard(sh)
	v.guidance = newGuidanceTab(sh, d)
	v.claims = newClaimsTab(sh)
	v.calls = newCallsTab(sh, d)
	v.exchanges = newExchangesTab()
	v.history = newHistoryTab(sh, d)
	v.record = newRecordTab(sh, d)
	v.tabs = widgets.NewTabs(
		container.NewTabItem(lang.X("app.tab.guidance", "Guidance"), v.guidance.content),
		container.NewTabItem(lang.X("app.tab.claims", "Claims"), v.claims.content),
		container.NewTabItem(lang.X("app.tab.calls", "API calls"), v.calls.content),
		container.NewTabItem(lang.X("app.tab.exchanges", "Exchanges"), v.exchanges.content),
		container.NewTabItem(lang.X("app.tab.record", "Record"), v.record.content),
		container.NewTabItem(lang.X("app.tab.history", "History"), v.history.content),
	)
	v.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Content {
		case v.history.content:
			v.history.reload()
		case v.record.content:
			v.record.opened()
		}
	}
	top := container.NewVBox(v.header.content, widget.NewSeparator(), v.timeline.content, widget.NewSeparator())
	// The identity card and the tabs share what is left, split where the card's
	// natural height ends; dragging the divider up scrolls the card and gives the
	// evidence more room.
	card := newCardPane(v.identity.content)
	v.cardSplit = widgets.NewVSplit(card.box, v.tabs.Container)
	v.cardArea = container.New(&cardSplitLayout{split: v.cardSplit, card: v.identity.content}, v.cardSplit.Container)
	v.content = inOrderBorder(top, nil, v.cardArea) // Tab: the header's buttons first
	return v
}

// shows reports whether the view shows run r.
func (v *runView) shows(r *desk.Run) bool { return r != nil && v.run == r.ID }

// started shows run r beginning: an empty timeline, the card waiting for a token.
func (v *runView) started(r *desk.Run) {
	v.run = r.ID
	v.timeline.reset(r.Profile)
	v.header.setRunning(true)
	v.fill(r.Profile, nil, check.Report{})
	v.identity.setWaiting()
}

// show shows profile p with its run r (nil: none this session; in flight: so far).
func (v *runView) show(p profiles.Profile, r *desk.Run) {
	v.header.set(p)
	rep := check.Report{}
	if r != nil {
		v.run = r.ID
		rep = r.Report
	} else {
		v.run = 0
	}
	if r == nil || (len(rep.Steps) == 0 && !rep.Cancelled) {
		v.timeline.reset(p)
	}
	v.fill(p, r, rep)
	if r != nil && !r.Done {
		v.identity.setWaiting()
	}
}

// fill shows report rep of run r (nil: none) of p in the timeline, card and tabs.
func (v *runView) fill(p profiles.Profile, r *desk.Run, rep check.Report) {
	if len(rep.Steps) > 0 || rep.Cancelled {
		v.timeline.reset(p)
		for _, s := range rep.Steps {
			v.timeline.add(s)
		}
		v.timeline.done(rep)
	}
	v.identity.set(p, rep, v.now())
	v.cardArea.Refresh() // the card's natural height may have changed
	v.guidance.set(p, rep)
	v.claims.set(rep)
	v.calls.set(p, r)
	v.exchanges.set(rep)
	v.record.set(p, r)
	if len(rep.Steps) == 0 || (r != nil && !r.Done) {
		return
	}
	if rep.Verdict == check.Fail || rep.Verdict == check.Warn || rep.Cancelled {
		v.tabs.SelectIndex(0)
	} else {
		v.tabs.SelectIndex(1)
	}
}

// tabIDs name the evidence tabs, in order, in English whatever the language.
var tabIDs = []string{"Guidance", "Claims", "API calls", "Exchanges", "Record", "History"}

// openTab shows the evidence tab called name in English (tabIDs).
func (v *runView) openTab(name string) {
	for i, id := range tabIDs {
		if id == name && i < len(v.tabs.Items) {
			v.tabs.SelectIndex(i)
		}
	}
}

// cardSplitLayout sizes the split between the identity card and the tabs: until the
// user drags the divider, the card gets its natural height (at most maxCardShare of the
// room) and the tabs everything else; after a drag, the user's offset stays.
type cardSplitLayout struct {
	split *widgets.Split
	card  fyne.CanvasObject
	auto  float64 // the offset this layout last set; 0 before the first layout
	moved bool    // the user dragged the divider
}

// maxCardShare is the most of the height the identity card takes by default.
const maxCardShare = 0.6

func (l *cardSplitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if l.auto != 0 && l.split.Offset != l.auto {
		l.moved = true
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if l.moved || size.Height <= 0 {
		return
	}
	div := theme.Size(theme.SizeNameSplitThickness)
	if div == 0 {
		div = theme.Padding() // Fyne's default divider thickness
	}
	// One pixel of slack: rounding must never leave the card a scroll bar.
	off := float64(l.card.MinSize().Height+1) / float64(size.Height-div)
	if off > maxCardShare {
		off = maxCardShare
	}
	l.auto = off
	l.split.SetOffset(off) // lays the split out again only when the offset changed
}

func (l *cardSplitLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

// cardPane holds the identity card: whole while it fits, in a scroll pane once the user
// drags the divider above its bottom. Fyne's screen-reader walker reads the card only
// while it is not in a pane (it does not go into scroll panes).
type cardPane struct {
	card   fyne.CanvasObject
	scroll *widgets.Scroll
	box    *fyne.Container
}

func newCardPane(card fyne.CanvasObject) *cardPane {
	p := &cardPane{card: card, scroll: widgets.NewVScroll(card)}
	p.box = container.New(p, card)
	return p
}

// Layout shows the card whole when size holds it, else in the pane.
func (p *cardPane) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	var show fyne.CanvasObject = p.card
	if size.Height+0.5 < p.card.MinSize().Height {
		show = p.scroll
	}
	if p.box.Objects[0] != show {
		p.box.Objects[0] = show
		if show == p.scroll {
			p.scroll.Refresh()
		}
	}
	show.Move(fyne.NewPos(0, 0))
	show.Resize(size)
}

// MinSize lets the divider go above the card's bottom (the pane scrolls it then).
func (p *cardPane) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(p.card.MinSize().Width, p.scroll.MinSize().Height)
}
