package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/go-gl/glfw/v3.4/glfw"
)

// exitNoGraphics is the exit code when the app cannot open a window.
const exitNoGraphics = 4

// graphicsError is why the app cannot open a window: no display to draw on (Linux
// without DISPLAY or WAYLAND_DISPLAY), or no OpenGL 2.1 (a Windows machine over Remote
// Desktop, a virtual machine, Windows Server without a graphics driver).
type graphicsError struct {
	noDisplay bool   // GLFW could not start at all
	detail    string // GLFW's own words
}

func (e *graphicsError) Error() string { return e.detail }

// probeGraphics starts GLFW and opens a hidden window with the OpenGL 2.1 context
// Fyne asks for, then closes both, before Fyne tries: where either fails, Fyne logs the
// error and then dies with a Go panic ("failed to initialise GLFW … panic:
// NotInitialized"), or quits without a word on Windows (a GUI program has no console).
// It costs one context creation at start (measured in docs/decisions.md). On Windows
// and macOS GLFW stays initialised for Fyne (whose own Init is then a no-op); on Linux
// it is shut down again, since Fyne chooses between X11 and Wayland with init hints.
func probeGraphics() (err error) {
	if os.Getenv("FYNE_PLATFORM") == "x11" {
		glfw.InitHint(glfw.PlatformHint, int(glfw.PlatformX11)) // as Fyne does
	}
	defer func() {
		// go-gl/glfw logs a platform error and panics at the next call when Init failed
		// that way.
		if r := recover(); r != nil {
			err = &graphicsError{noDisplay: true, detail: fmt.Sprint(r)}
		}
	}()
	if ierr := glfw.Init(); ierr != nil {
		return &graphicsError{noDisplay: true, detail: ierr.Error()}
	}
	keep := false
	defer func() {
		if !keep {
			glfw.Terminate()
		}
	}()
	_ = glfw.GetPlatform() // panics (recovered above) when Init failed with a platform error
	glfw.DefaultWindowHints()
	defer glfw.DefaultWindowHints()
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	w, cerr := glfw.CreateWindow(16, 16, "probe", nil, nil)
	if cerr != nil || w == nil {
		detail := "the graphics driver offers no OpenGL 2.1"
		if cerr != nil {
			detail = cerr.Error()
		}
		return &graphicsError{detail: detail}
	}
	w.Destroy()
	keep = runtime.GOOS == "windows" || runtime.GOOS == "darwin"
	return nil
}

// noGraphicsMessage is what the user reads: what is missing, what to do, and the CLI,
// which needs no graphics.
func noGraphicsMessage(e *graphicsError, goos string) (title, body string) {
	title = "Trusted App Tester cannot open its window"
	var what, fix string
	switch {
	case goos == "windows":
		what = "Windows offers no OpenGL 2.1, which the app draws its window with. This is common over Remote Desktop, in virtual machines and on Windows Server without a graphics driver."
		fix = "Install the graphics card's or the virtual machine's display driver (your IT department can), or start the app on the machine's own screen."
	case e.noDisplay:
		what = "There is no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY leads to one): the app was started over SSH, from a service, or before the desktop session."
		fix = "Start it from the desktop session, or forward the display (ssh -X)."
	default:
		what = "The graphics driver offers no OpenGL 2.1, which the app draws its window with."
		fix = "Install the graphics driver (on Linux, Mesa's libgl1-mesa-dri gives a software one)."
	}
	cli := "trustedapp-check"
	if goos == "windows" {
		cli = "trustedapp-check.exe"
	}
	body = what + "\n\n" + fix + "\n\nMeanwhile the command-line tool, " + cli + ", needs no graphics and runs the same tests (\"" +
		cli + " help\" lists its commands).\n\n(GLFW said: " + strings.TrimSpace(e.detail) + ")"
	return title, body
}

// reportNoGraphics tells the user, on standard error and, on Windows, in a message
// box (the app has no console there).
func reportNoGraphics(e *graphicsError) {
	title, body := noGraphicsMessage(e, runtime.GOOS)
	fmt.Fprintf(os.Stderr, "trustedapp-tester: %s.\n\n%s\n", title, body)
	messageBox(title, body)
}

// glfwStarted checks that Fyne's own start of GLFW (in app.NewWindow) worked too: the
// display can go away between the probe and Fyne (a remote session ending, an X server
// restarting), and go-gl/glfw then only logs the error and panics at the next call.
func glfwStarted() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &graphicsError{noDisplay: true, detail: fmt.Sprint(r)}
		}
	}()
	_ = glfw.GetPlatform()
	return nil
}
