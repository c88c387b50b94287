package ui

// The window's side of the fleet view: opening it (the menu, Ctrl+Shift+F, the
// sidebar's Fleet button), and the run view of a row.

// Fleet opens the fleet view: every profile in one table.
func (u *UI) Fleet() {
	u.openTool(u.fleet)
	u.fleet.open()
}

// openFromFleet closes the fleet view onto the run view of the profile called name
// (with its fleet run, when the fleet tested it). A fleet test goes on.
func (u *UI) openFromFleet(name string) {
	u.toolBack = nil
	u.selectProfile(name)
}

// fleetShown reports whether the fleet view is on screen.
func (u *UI) fleetShown() bool { return u.showing(u.fleet.content) }

// profilesRead shows the profiles as read again (an import, secrets set, another
// window's change), when the fleet view is on screen.
func (s *fleetScreen) profilesRead() {
	if s.sh.fleetShown() {
		s.rebuild()
	}
}
