// Command trustedapp-tester is the desktop app: it tests ERP.net Trusted Applications
// (OAuth2 client credentials) and shows as whom they act, with which scopes, and what
// to fix when they fail. It is the only importer of fyne.io/fyne/v2/app.
//
//	trustedapp-tester [--sandbox] [--store FILE]
//
// Where no window can be opened (no display, no OpenGL 2.1) it says so and what to do,
// on standard error and on Windows in a message box, and exits with status 4.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver"

	"trustedapp-tester/assets"
	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/version"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
	"trustedapp-tester/ui"
)

const appID = "net.trustedapptester.app"

func main() {
	fs := flag.NewFlagSet("trustedapp-tester", flag.ContinueOnError)
	withSandbox := fs.Bool("sandbox", false, "start the built-in sandbox (a local ERP.net imitation) and list its scenario profiles")
	storePath := fs.String("store", "", "profile store file (default: $"+profiles.StoreEnv+" or the user config directory)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s %s: the desktop app for testing ERP.net Trusted Applications\n\nUsage:\n  trustedapp-tester [--sandbox] [--store FILE]\n\n", version.Name, version.Version)
		fs.PrintDefaults()
	}
	if wantsConsole(os.Args[1:]) {
		attachConsole() // Windows: print --version and --help in the cmd that started it
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if *showVersion {
		fmt.Println(version.Name, version.Version)
		return
	}

	if err := probeGraphics(); err != nil {
		reportNoGraphics(err.(*graphicsError))
		os.Exit(exitNoGraphics)
	}

	var notices []string
	store, err := profiles.Open(*storePath)
	var damage *profiles.CorruptError
	if err != nil {
		if !errors.As(err, &damage) || store == nil {
			fmt.Fprintf(os.Stderr, "trustedapp-tester: cannot open the profile store: %v\nUse --store FILE (or %s) to point at another file.\n", err, profiles.StoreEnv)
			os.Exit(3)
		}
	}
	if n := store.Notice(); n != "" && damage == nil {
		notices = append(notices, n)
	}
	secrets, keyringNotice := desk.OpenSecrets()
	if keyringNotice != "" {
		notices = append(notices, keyringNotice)
	}
	var history desk.HistoryLog
	if p, err := audit.DefaultPath(); err == nil {
		if l, err := audit.Open(p); err == nil {
			history = l
		} else {
			notices = append(notices, "The history log could not be opened ("+err.Error()+"): runs are not logged this session.")
		}
	}

	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	sb := desk.NewSandbox(sandbox.Config{})
	defer sb.Stop()
	var win fyne.Window // the native dialogs' parent, once it exists
	u := ui.New(a, desk.Deps{
		// Tokens are reused across app restarts and with the CLI through the keychain,
		// so a restart does not open a new ERP.net session (a licence slot).
		Options: check.Options{Cache: desk.TokenCache(secrets)},
		Store:   desk.NewStore(store),
		Secrets: secrets,
		History: history,
		Sandbox: sb.Start,
		Files:   desk.NativeFileDialogs(func() uintptr { return nativeHandle(win) }),
	})
	w := u.Window()
	win = w
	w.SetIcon(assets.Icon)
	w.SetMaster()
	if err := glfwStarted(); err != nil {
		reportNoGraphics(err.(*graphicsError))
		os.Exit(exitNoGraphics)
	}
	place := placeWindow(a, w, u.Content()) // from the screen's work area, or where the user left it
	place.OnTight = u.ScrollWhenSmall       // where the screen cannot hold the content's minimum size
	if place.tight {
		u.ScrollWhenSmall()
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a.Lifecycle().SetOnStarted(func() {
		releaseStartupMemory()
		place.started(ctx.Done())
		u.StartTicker(ctx)
		for _, n := range notices {
			u.Notify(n)
		}
		if damage != nil {
			u.ShowStoreDamage(damage) // what was restored, and an offer to recover the rest
		}
		if *withSandbox {
			u.TrySandbox()
		}
	})
	w.ShowAndRun()
}

// wantsConsole reports whether args ask for text only (--version, --help, or flags
// that will fail to parse and print the usage).
func wantsConsole(args []string) bool {
	for _, a := range args {
		switch strings.TrimLeft(a, "-") {
		case "version", "help", "h", "?":
			return true
		}
		if strings.HasPrefix(a, "-") && !slices.Contains([]string{"sandbox", "store"}, strings.SplitN(strings.TrimLeft(a, "-"), "=", 2)[0]) {
			return true // an unknown flag: the usage follows
		}
	}
	return false
}

// nativeHandle is w's native window (HWND on Windows, the X11 window on Linux; 0 on
// macOS and Wayland, or before w exists), the parent of the OS's file dialogs.
func nativeHandle(w fyne.Window) uintptr {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return 0
	}
	var h uintptr
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.WindowsWindowContext:
			h = c.HWND
		case driver.X11WindowContext:
			h = c.WindowHandle
		}
	})
	return h
}
