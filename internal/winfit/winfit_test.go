package winfit

import "testing"

// screen is one monitor of w×h pixels at origin (x, y), its taskbar (bar pixels) along
// the bottom.
func screen(x, y, w, h, bar int, scale float32) Monitor {
	return Monitor{Bounds: Rect{x, y, w, h}, Work: Rect{x, y, w, h - bar}, Scale: scale}
}

// The screens of the issue: the whole window (frame included) lies in the work area,
// at the size it asks for where there is room, never at more than fits.
func TestFirstWindowFits(t *testing.T) {
	for _, c := range []struct {
		name  string
		mon   Monitor
		frame Frame
		// the content's minimum size
		need Size
		// the content size in Fyne units to expect
		want Size
	}{
		// Xvfb, no window manager: no frame, no panel.
		{"1024x640 Linux", screen(0, 0, 1024, 640, 0, 1), Frame{}, Size{}, Size{962, 601}},
		{"1024x640 Linux with a WM and a panel", screen(0, 0, 1024, 640, 32, 1), EstimateFrame("linux", 1), Size{}, Size{960, 535}},
		{"1366x768 Windows 100%", screen(0, 0, 1366, 768, 40, 1), EstimateFrame("windows", 1), Size{}, Size{1269, 647}},
		{"1920x1080 Windows 150%", screen(0, 0, 1920, 1080, 72, 1.5), EstimateFrame("windows", 1.5), Size{}, Size{1188, 594}},
		{"1920x1080 Windows 200%", screen(0, 0, 1920, 1080, 96, 2), EstimateFrame("windows", 2), Size{}, Size{887, 425}},
		{"1920x1080 Linux FYNE_SCALE=2", screen(0, 0, 1920, 1080, 0, 2), Frame{}, Size{}, Size{902, 507}},
		{"1024x768 Windows 100%", screen(0, 0, 1024, 768, 40, 1), EstimateFrame("windows", 1), Size{}, Size{947, 647}},
		// The content needs 943×515: at 200% a first window takes the room it needs.
		{"1920x1080 Linux FYNE_SCALE=2, content 943x515", screen(0, 0, 1920, 1080, 0, 2), Frame{}, Size{943, 515}, Size{943, 515}},
		{"1920x1080 Windows 200%, content larger than the screen", screen(0, 0, 1920, 1080, 96, 2), EstimateFrame("windows", 2), Size{943, 515}, Size{943, 453}},
		{"2560x1440 125%", screen(0, 0, 2560, 1440, 60, 1.25), EstimateFrame("windows", 1.25), Size{}, Preferred},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := Fit([]Monitor{c.mon}, 0, Saved{}, c.frame, c.need)
			if p.Size != c.want {
				t.Errorf("size %v, want %v", p.Size, c.want)
			}
			out := Outer(p, c.mon.Scale, c.frame)
			if !Inside(out, c.mon.Work) {
				t.Errorf("window %v is not inside the work area %v", out, c.mon.Work)
			}
			// Centred in the work area (to a pixel or two).
			l, r := out.X-c.mon.Work.X, c.mon.Work.X+c.mon.Work.W-(out.X+out.W)
			top, bottom := out.Y-c.mon.Work.Y, c.mon.Work.Y+c.mon.Work.H-(out.Y+out.H)
			if abs(l-r) > 2 || abs(top-bottom) > 2 {
				t.Errorf("not centred: left %d right %d top %d bottom %d", l, r, top, bottom)
			}
		})
	}
}

// The old fixed 1200×720 at 1920×1080 and 150%: 1800×1080 pixels of content, with
// the title bar above the screen. The test above must fail for such a size.
func TestOldSizeDidNotFit(t *testing.T) {
	m := screen(0, 0, 1920, 1080, 72, 1.5)
	old := Place{X: 60, Y: 0, Size: Size{1200, 720}}
	if Inside(Outer(old, 1.5, EstimateFrame("windows", 1.5)), m.Work) {
		t.Fatal("1200×720 at 150% reported as fitting a 1920×1080 screen")
	}
}

func TestSavedWindow(t *testing.T) {
	fr := EstimateFrame("windows", 1)
	left := screen(-1920, 0, 1920, 1080, 0, 1) // a second screen on the left
	main := screen(0, 0, 1366, 768, 40, 1)

	// Where the user left it, exactly, when it is still wholly on a screen.
	s := Saved{X: -1500, Y: 100, Size: Size{1000, 700}}
	p := Fit([]Monitor{main, left}, 0, s, fr, Size{})
	if p.X != -1500 || p.Y != 100 || p.Size != s.Size || p.Monitor != 1 {
		t.Errorf("kept: got %+v", p)
	}

	// The second screen is gone: back on the primary screen, shrunk to fit.
	p = Fit([]Monitor{main}, 0, s, fr, Size{})
	if p.Monitor != 0 || !Inside(Outer(p, 1, fr), main.Work) || p.Size.H > 768 {
		t.Errorf("gone screen: got %+v (outer %v)", p, Outer(p, 1, fr))
	}

	// Half off the right edge: moved in, its size kept.
	s = Saved{X: 900, Y: 50, Size: Size{800, 500}}
	p = Fit([]Monitor{main}, 0, s, fr, Size{})
	if p.Size != s.Size || !Inside(Outer(p, 1, fr), main.Work) || p.Y != 50 {
		t.Errorf("half off: got %+v", p)
	}

	// The title bar above the screen (y=-66 at 150%, as the issue saw): pulled down.
	hi := screen(0, 0, 1920, 1080, 72, 1.5)
	fr15 := EstimateFrame("windows", 1.5)
	s = Saved{X: 60, Y: -20, Size: Size{1000, 600}}
	p = Fit([]Monitor{hi}, 0, s, fr15, Size{})
	if o := Outer(p, 1.5, fr15); !Inside(o, hi.Work) {
		t.Errorf("title bar off the top: %v", o)
	}

	// Saved larger than the new screen (a laptop undocked): shrunk to the work area.
	s = Saved{X: 10, Y: 40, Size: Size{2400, 1300}}
	p = Fit([]Monitor{main}, 0, s, fr, Size{})
	if !Inside(Outer(p, 1, fr), main.Work) || p.Size.W != float32(1366-16) {
		t.Errorf("too big: got %+v", p)
	}

	// Only a sliver of the title bar on a screen: not enough to grab, so centred.
	s = Saved{X: 1330, Y: 300, Size: Size{800, 500}}
	p = Fit([]Monitor{main}, 0, s, fr, Size{})
	o := Outer(p, 1, fr)
	if !Inside(o, main.Work) || abs(o.X-(main.Work.W-o.W)/2) > 1 {
		t.Errorf("sliver: got %+v", p)
	}
}

func TestNoMonitor(t *testing.T) {
	if p := Fit(nil, 0, Saved{}, Frame{}, Size{}); p.Monitor != -1 || p.Size != Preferred {
		t.Errorf("got %+v", p)
	}
	// A bad primary index and a zero scale do not break it.
	p := Fit([]Monitor{{Bounds: Rect{0, 0, 800, 600}, Work: Rect{0, 0, 800, 600}}}, 5, Saved{}, Frame{}, Size{})
	if !Inside(Outer(p, 1, Frame{}), Rect{0, 0, 800, 600}) {
		t.Errorf("got %+v", p)
	}
	// A screen smaller than Smallest: the window fits the screen all the same.
	tiny := screen(0, 0, 512, 320, 0, 1)
	if p := Fit([]Monitor{tiny}, 0, Saved{}, Frame{}, Size{}); !Inside(Outer(p, 1, Frame{}), tiny.Work) {
		t.Errorf("tiny: got %+v", p)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
