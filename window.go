package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.4/glfw"

	"trustedapp-tester/internal/winfit"
)

// windowPref is the Fyne preference that keeps where the user left the main window:
// "X Y W H", its content's corner in screen coordinates and its size in Fyne units.
const windowPref = "mainWindow"

// placer opens the main window where internal/winfit says, corrects that with the real
// frame and scale once the window is shown, and remembers where the user leaves it.
//
// Fyne 2.8 has no API for monitors, work areas or window positions, so this talks to
// GLFW (github.com/go-gl/glfw, the same package and C library Fyne's driver uses) on
// the main thread: the monitors and their work areas after Fyne started GLFW (in
// app.NewWindow), the first position as GLFW 3.4's PositionX/Y window hints (so the
// window is created there, with no jump), and the window itself through its current
// context (RunWithContext) for its frame, position and later moves.
type placer struct {
	a       fyne.App
	w       fyne.Window
	gw      *glfw.Window
	mons    []winfit.Monitor
	primary int
	place   winfit.Place
	noPos   bool // Wayland: windows cannot learn or choose their position
	tight   bool // the window is smaller than its content's minimum size
	need    fyne.Size
	// OnTight lets the content scroll when the window turns out smaller than the
	// content's minimum once shown (ui.ScrollWhenSmall).
	OnTight func()
	last    string // the preference as last written
}

// menuBarHeight is about the height of the menu bar Fyne draws in the window (not on
// macOS), in Fyne units.
const menuBarHeight = 30

// placeWindow sizes w (and positions it, where the system lets a window choose) before
// it is shown; content is the window's content less its menu bar.
func placeWindow(a fyne.App, w fyne.Window, content fyne.CanvasObject) *placer {
	p := &placer{a: a, w: w, noPos: glfw.GetPlatform() == glfw.PlatformWayland}
	p.mons, p.primary = monitors(userScale(a))
	saved := parseSaved(a.Preferences().String(windowPref))
	if p.noPos {
		saved.X, saved.Y = 0, 0
	}
	scale := float32(1)
	if len(p.mons) > 0 {
		scale = p.mons[p.primary].Scale
	}
	need := content.MinSize()
	if runtime.GOOS != "darwin" {
		need.Height += menuBarHeight
	}
	p.need = need
	p.place = winfit.Fit(p.mons, p.primary, saved, winfit.EstimateFrame(runtime.GOOS, scale), winfit.Size{W: need.Width, H: need.Height})
	p.tight = p.place.Size.W < need.Width || p.place.Size.H < need.Height
	w.Resize(fyne.NewSize(p.place.Size.W, p.place.Size.H))
	switch {
	case p.place.Monitor < 0:
		w.CenterOnScreen()
	case !p.noPos:
		glfw.WindowHint(glfw.PositionX, p.place.X)
		glfw.WindowHint(glfw.PositionY, p.place.Y)
	}
	return p
}

// started runs once the window is shown (Lifecycle.OnStarted, on the main thread): it
// checks the placement with the real frame and scale, moves or shrinks the window if
// it does not fit after all, and starts remembering where the user leaves it.
func (p *placer) started(stop <-chan struct{}) {
	glfw.WindowHint(glfw.PositionX, glfw.AnyPosition)
	glfw.WindowHint(glfw.PositionY, glfw.AnyPosition)
	p.gw = glfwWindow(p.w)
	if p.gw == nil || p.noPos || p.place.Monitor < 0 {
		return
	}
	l, t, r, b := p.gw.GetFrameSize()
	frame := winfit.Frame{Left: l, Top: t, Right: r, Bottom: b}
	m := p.place.Monitor
	p.mons[m].Scale = p.w.Canvas().Scale()
	x, y := p.gw.GetPos()
	sz := p.w.Canvas().Size()
	now := winfit.Place{X: x, Y: y, Size: winfit.Size{W: sz.Width, H: sz.Height}, Monitor: m}
	if !winfit.Inside(winfit.Outer(now, p.mons[m].Scale, frame), p.mons[m].Work) {
		fit := winfit.Fit(p.mons, m, winfit.Saved{X: x, Y: y, Size: now.Size}, frame, winfit.Size{})
		if (fit.Size.W < p.need.Width || fit.Size.H < p.need.Height) && !p.tight && p.OnTight != nil {
			p.tight = true
			p.OnTight()
		}
		p.w.Resize(fyne.NewSize(fit.Size.W, fit.Size.H))
		p.gw.SetPos(fit.X, fit.Y)
	}
	p.w.SetCloseIntercept(func() {
		p.remember()
		p.gw = nil // the window goes now: a later tick must not touch it
		p.w.Close()
	})
	go func() {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fyne.Do(p.remember)
			}
		}
	}()
}

// remember writes where the window is now to the preferences, when it changed (main
// thread). A maximised or minimised window keeps the size it had before.
func (p *placer) remember() {
	if p.gw == nil || p.gw.GetAttrib(glfw.Iconified) == glfw.True || p.gw.GetAttrib(glfw.Maximized) == glfw.True {
		return
	}
	x, y := p.gw.GetPos()
	sz := p.w.Canvas().Size()
	v := fmt.Sprintf("%d %d %.0f %.0f", x, y, sz.Width, sz.Height)
	if v != p.last && sz.Width > 0 && sz.Height > 0 {
		p.last = v
		p.a.Preferences().SetString(windowPref, v)
	}
}

// parseSaved reads the preference ("" or a damaged value: nothing saved).
func parseSaved(s string) winfit.Saved {
	f := strings.Fields(s)
	if len(f) != 4 {
		return winfit.Saved{}
	}
	x, e1 := strconv.Atoi(f[0])
	y, e2 := strconv.Atoi(f[1])
	w, e3 := strconv.ParseFloat(f[2], 32)
	h, e4 := strconv.ParseFloat(f[3], 32)
	if e1 != nil || e2 != nil || e3 != nil || e4 != nil || w <= 0 || h <= 0 {
		return winfit.Saved{}
	}
	return winfit.Saved{X: x, Y: y, Size: winfit.Size{W: float32(w), H: float32(h)}}
}

// glfwWindow is w's GLFW window: the context Fyne makes current while it runs f.
func glfwWindow(w fyne.Window) *glfw.Window {
	ctx, ok := w.(interface{ RunWithContext(func()) })
	if !ok {
		return nil
	}
	var gw *glfw.Window
	ctx.RunWithContext(func() { gw = glfw.GetCurrentContext() })
	return gw
}

// monitors are GLFW's monitors with their work areas and the scale Fyne will give a
// window on each, and the primary one's index.
func monitors(user float32) ([]winfit.Monitor, int) {
	prim := glfw.GetPrimaryMonitor()
	var px, py int
	if prim != nil {
		px, py = prim.GetPos()
	}
	var out []winfit.Monitor
	primary := 0
	for _, m := range glfw.GetMonitors() {
		vm := m.GetVideoMode()
		if vm == nil {
			continue // disconnected
		}
		x, y := m.GetPos()
		wx, wy, ww, wh := m.GetWorkarea()
		if ww <= 0 || wh <= 0 {
			wx, wy, ww, wh = x, y, vm.Width, vm.Height
		}
		if x == px && y == py {
			primary = len(out)
		}
		out = append(out, winfit.Monitor{
			Bounds: winfit.Rect{X: x, Y: y, W: vm.Width, H: vm.Height},
			Work:   winfit.Rect{X: wx, Y: wy, W: ww, H: wh},
			Scale:  fyneScale(m, vm, user),
		})
	}
	if primary >= len(out) {
		primary = 0
	}
	return out, primary
}

// fyneScale is the scale Fyne 2.8 gives a window on m (internal/driver/glfw: scale.go,
// device_desktop.go, window_desktop.go's detectScale): the user's scale times the
// system's, rounded to a tenth. started corrects the placement with the real one.
func fyneScale(m *glfw.Monitor, vm *glfw.VidMode, user float32) float32 {
	system := float32(1)
	switch {
	case runtime.GOOS == "windows":
		system, _ = m.GetContentScale()
	case runtime.GOOS == "darwin", glfw.GetPlatform() == glfw.PlatformWayland:
	default:
		env := os.Getenv("FYNE_DISABLE_DPI_DETECTION")
		if !(strings.EqualFold(env, "true") || strings.EqualFold(env, "t") || env == "1") {
			wmm, _ := m.GetPhysicalSize()
			dpi := float32(vm.Width) / (float32(wmm) / 25.4)
			if wmm <= 0 || dpi > 1000 || dpi < 10 {
				dpi = 120
			}
			system = max(1, dpi/120)
		}
	}
	return float32(math.Round(float64(system*user*10))) / 10
}

// userScale is the user's scale as Fyne reads it: FYNE_SCALE, else the Fyne settings.
func userScale(a fyne.App) float32 {
	env := os.Getenv("FYNE_SCALE")
	if env != "" && env != "auto" {
		if s, err := strconv.ParseFloat(env, 32); err == nil && s != 0 {
			return float32(s)
		}
	}
	if env != "auto" {
		if s := a.Settings().Scale(); s > 0 {
			return s
		}
	}
	return 1
}
