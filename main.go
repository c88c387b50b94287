// Command trustedapp-tester is the desktop app: it tests ERP.net Trusted Applications
// (OAuth2 client credentials) and shows as whom they act, with which scopes, and what
// to fix when they fail. It is the only importer of fyne.io/fyne/v2/app.
//
//	trustedapp-tester [--sandbox] [--store FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

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
	u := ui.New(a, desk.Deps{
		// Tokens are reused across app restarts and with the CLI through the keychain,
		// so a restart does not open a new ERP.net session (a licence slot).
		Options: check.Options{Cache: desk.TokenCache(secrets)},
		Store:   desk.NewStore(store),
		Secrets: secrets,
		History: history,
		Sandbox: sb.Start,
	})
	w := u.Window()
	w.SetIcon(assets.Icon)
	w.Resize(fyne.NewSize(1200, 720)) // fits a 1366x768 laptop with its panels
	w.SetMaster()
	w.CenterOnScreen()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a.Lifecycle().SetOnStarted(func() {
		releaseStartupMemory()
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
