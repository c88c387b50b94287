package ui

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"trustedapp-tester/profiles"
)

// The app and the CLI (or a second window) share one profile file. A change made
// elsewhere shows up in the app's list, and a save that would overwrite it is refused
// with a clear message, then succeeds when made again, keeping both edits.
func TestStoreSharedWithAnotherWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	appStore, err := profiles.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	app := NewStore(appStore)
	if err := app.Add(profiles.Profile{Name: "Mine", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/a"}); err != nil {
		t.Fatal(err)
	}

	cli, err := profiles.Open(path) // the trustedapp-check command, say
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Add(profiles.Profile{Name: "From the CLI", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/b"}); err != nil {
		t.Fatal(err)
	}

	err = app.Add(profiles.Profile{Name: "Second", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/c"})
	var ce *ChangedElsewhereError
	if !errors.As(err, &ce) || !errors.Is(err, profiles.ErrChangedOnDisk) ||
		!strings.Contains(err.Error(), "make the change again") {
		t.Fatalf("want a ChangedElsewhereError, got %v", err)
	}
	if err := app.Add(profiles.Profile{Name: "Second", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/c"}); err != nil {
		t.Fatalf("the change made again failed: %v", err)
	}

	cli.Add(profiles.Profile{Name: "Later from the CLI", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/d"}) // stale: refused
	if err := cli.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := cli.Add(profiles.Profile{Name: "Later from the CLI", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/d"}); err != nil {
		t.Fatal(err)
	}
	list, err := app.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ", "); got != "From the CLI, Later from the CLI, Mine, Second" {
		t.Errorf("the app lists %q", got)
	}
}
