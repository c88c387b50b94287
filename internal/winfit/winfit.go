// Package winfit decides where the main window opens and how big it is, so that the
// whole window (its title bar and its status line) is on a screen: the first time
// from the primary screen's work area (the screen less the taskbar, panels or dock) at
// the scale the window will have, later where the user left it, brought back onto a
// visible screen when the monitors changed. It is pure arithmetic on what main reads
// from GLFW, so it tests headless.
package winfit

import "math"

// Rect is an area in screen coordinates (pixels on Windows and X11, points on macOS).
type Rect struct{ X, Y, W, H int }

// Monitor is one screen.
type Monitor struct {
	Bounds Rect    // the whole screen
	Work   Rect    // the screen less the taskbar, panels and dock
	Scale  float32 // screen coordinates per Fyne unit of a window on this screen
}

// Frame is the window's decoration around its content, in screen coordinates: the
// title bar on top, the borders elsewhere.
type Frame struct{ Left, Top, Right, Bottom int }

// Size is a window's content size in Fyne units.
type Size struct{ W, H float32 }

// Saved is the window as the user left it: its content's top-left corner in screen
// coordinates and its content size in Fyne units (zero: nothing saved).
type Saved struct {
	X, Y int
	Size Size
}

// Place is where and how big the window opens: its content's top-left corner in
// screen coordinates, its content size in Fyne units, and the screen it is on.
type Place struct {
	X, Y    int
	Size    Size
	Monitor int
}

var (
	// Preferred is the size the window asks for where the screen has room.
	Preferred = Size{W: 1280, H: 800}
	// Smallest is the smallest size a placement chooses, unless the screen is smaller.
	Smallest = Size{W: 480, H: 320}
)

// firstFill is the share of the work area a first window may take at most, so that it
// opens as a window (with the desktop around it), not as a maximised one.
const firstFill = 0.94

// Fit places the window on mons (primary is the index of the primary screen) with the
// decoration frame: where saved says when that is still on a screen (moved and shrunk
// as little as needed to be wholly in that screen's work area), else centred in the
// primary screen's work area at Preferred size or what fits. With no monitor at all it
// returns Preferred and Monitor -1 (the caller leaves the position to the system).
//
// need is the content's own minimum size: a first window below Preferred is made at
// least that big where the screen has room for it (else the content scrolls).
func Fit(mons []Monitor, primary int, saved Saved, frame Frame, need Size) Place {
	if len(mons) == 0 {
		return Place{Size: Preferred, Monitor: -1}
	}
	if primary < 0 || primary >= len(mons) {
		primary = 0
	}
	hasSaved := saved.Size.W > 0 && saved.Size.H > 0
	m := primary
	onScreen := false
	if hasSaved {
		if i := mostOverlap(mons, saved, frame); i >= 0 {
			m, onScreen = i, true
		}
	}
	mon := mons[m]
	s := mon.Scale
	if s <= 0 {
		s = 1
	}
	avail := Size{
		W: float32(mon.Work.W-frame.Left-frame.Right) / s,
		H: float32(mon.Work.H-frame.Top-frame.Bottom) / s,
	}
	want := Preferred
	if hasSaved {
		want = saved.Size
	} else {
		// Room around a first window, unless the content would not fit then.
		avail = Size{W: max(avail.W*firstFill, min(need.W, avail.W)), H: max(avail.H*firstFill, min(need.H, avail.H))}
	}
	size := Size{W: clamp(want.W, Smallest.W, avail.W), H: clamp(want.H, Smallest.H, avail.H)}
	size = Size{W: floor(size.W), H: floor(size.H)}

	outerW := px(size.W, s) + frame.Left + frame.Right
	outerH := px(size.H, s) + frame.Top + frame.Bottom
	var ox, oy int // the frame's top-left corner
	if onScreen {
		ox, oy = saved.X-frame.Left, saved.Y-frame.Top
	} else {
		ox = mon.Work.X + (mon.Work.W-outerW)/2
		oy = mon.Work.Y + (mon.Work.H-outerH)/2
	}
	ox = clampInt(ox, mon.Work.X, mon.Work.X+mon.Work.W-outerW)
	oy = clampInt(oy, mon.Work.Y, mon.Work.Y+mon.Work.H-outerH)
	return Place{X: ox + frame.Left, Y: oy + frame.Top, Size: size, Monitor: m}
}

// Outer is the whole window of p (content and frame) in screen coordinates at scale.
func Outer(p Place, scale float32, frame Frame) Rect {
	return Rect{
		X: p.X - frame.Left, Y: p.Y - frame.Top,
		W: px(p.Size.W, scale) + frame.Left + frame.Right,
		H: px(p.Size.H, scale) + frame.Top + frame.Bottom,
	}
}

// Inside reports whether r lies wholly in area.
func Inside(r, area Rect) bool {
	return r.X >= area.X && r.Y >= area.Y && r.X+r.W <= area.X+area.W && r.Y+r.H <= area.Y+area.H
}

// EstimateFrame is the decoration a window will likely get on goos at scale, before
// it exists to be asked (a generous guess: a window a little smaller than it could be
// is better than a title bar off the screen). main corrects the placement with the real
// frame once the window is shown.
func EstimateFrame(goos string, scale float32) Frame {
	f := func(v float32) int { return int(math.Ceil(float64(v * scale))) }
	switch goos {
	case "windows": // Windows 10/11: the title bar and the invisible resize borders
		return Frame{Left: f(8), Top: f(31), Right: f(8), Bottom: f(8)}
	case "darwin": // the title bar, in points
		return Frame{Top: 28}
	}
	return Frame{Left: f(1), Top: f(37), Right: f(1), Bottom: f(1)} // a typical X11 window manager
}

// mostOverlap is the screen whose work area holds most of the saved window's title bar
// (the part the user needs to move it), or -1 when no screen shows enough of it: at
// least 64 units of its width and its whole height.
func mostOverlap(mons []Monitor, saved Saved, frame Frame) int {
	best, bestArea := -1, 0
	for i, m := range mons {
		s := m.Scale
		if s <= 0 {
			s = 1
		}
		title := Rect{
			X: saved.X - frame.Left, Y: saved.Y - frame.Top,
			W: px(saved.Size.W, s) + frame.Left + frame.Right, H: max(frame.Top, px(24, s)),
		}
		if frame.Top == 0 {
			title.Y = saved.Y // no title bar: the top of the content
		}
		ov := intersect(title, m.Work)
		if ov.W < px(64, s) || ov.H < title.H {
			continue
		}
		if a := ov.W * ov.H; a > bestArea {
			best, bestArea = i, a
		}
	}
	return best
}

func intersect(a, b Rect) Rect {
	x0, y0 := max(a.X, b.X), max(a.Y, b.Y)
	x1, y1 := min(a.X+a.W, b.X+b.W), min(a.Y+a.H, b.Y+b.H)
	if x1 <= x0 || y1 <= y0 {
		return Rect{}
	}
	return Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

// px is units at scale in whole screen coordinates, rounded up as Fyne does.
func px(units, scale float32) int { return int(math.Ceil(float64(units * scale))) }

func floor(v float32) float32 { return float32(math.Floor(float64(v))) }

func clamp(v, lo, hi float32) float32 {
	if v > hi {
		v = hi
	}
	if v < lo && lo <= hi {
		v = lo
	}
	return v
}

func clampInt(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}
